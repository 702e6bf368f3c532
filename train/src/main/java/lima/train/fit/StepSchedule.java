package lima.train.fit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import lima.core.Hashing;
import lima.train.optim.LinearDecay;

/**
 * What every optimizer step of a run does, as pure arithmetic over the settings and the dataset's
 * trained-token counts: which examples (dataset indices) it takes, how they split into
 * micro-batches, its learning rate and the trained tokens of the whole batch (the loss's
 * denominator). An engine consumes it step by step; nothing here touches a model or the disk.
 *
 * <p>Data order: epoch {@code e} (0-based) is a Fisher-Yates shuffle seeded by {@code
 * Hashing.rng(seed, "epoch/e")}; step {@code s} of an epoch takes positions {@code [s*batch,
 * (s+1)*batch)} of that order (the last batch of an epoch may be smaller), in micro-batches of
 * {@code micro-batch} in that order. Steps are numbered from 1 over the whole run.
 */
public final class StepSchedule {
  /**
   * One optimizer step: {@code step} (1-based, over the run), {@code epoch} (0-based), {@code
   * examples} in batch order, {@code microBatches} (slices of {@code examples}), learning rate,
   * trained targets of the whole batch.
   */
  public record Step(long step, int epoch, int[] examples, List<int[]> microBatches, double lr, long trainedTokens) {
    /** Fraction of epochs done after this step (1.5 = half way through the second epoch). */
    public double epochProgress(long stepsPerEpoch) {
      return epoch + (double) (step - epoch * stepsPerEpoch) / stepsPerEpoch;
    }

    /** The step as JSON-ready values: step, epoch, lr, trained_tokens, micro_batches (lists of indices). */
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", step);
      m.put("epoch", epoch);
      m.put("lr", lr);
      m.put("trained_tokens", trainedTokens);
      m.put("micro_batches", microBatches.stream().map(a -> Arrays.stream(a).boxed().toList()).toList());
      return m;
    }
  }

  private final int examples;
  private final int batch;
  private final int microBatch;
  private final int epochs;
  private final long seed;
  private final int[] trained;
  private final LinearDecay lr;

  /**
   * @param trained trained targets per example, by dataset index (see {@link MaskedLoss#targets})
   */
  public StepSchedule(TrainConfig config, int[] trained) {
    this(config.epochs(), config.batch(), config.microBatch(), config.seed(), config.lr(), config.finalLr(), trained);
  }

  public StepSchedule(int epochs, int batch, int microBatch, long seed, double lr, double finalLr, int[] trained) {
    if (trained.length == 0) throw new IllegalArgumentException("no examples");
    if (batch < 1 || microBatch < 1 || microBatch > batch || epochs < 1)
      throw new IllegalArgumentException("bad schedule: epochs " + epochs + ", batch " + batch + ", micro-batch " + microBatch);
    this.examples = trained.length;
    this.batch = batch;
    this.microBatch = microBatch;
    this.epochs = epochs;
    this.seed = seed;
    this.trained = trained.clone();
    this.lr = new LinearDecay(lr, finalLr, totalSteps());
  }

  /** Steps per epoch for {@code n} examples (the last batch may be smaller). */
  public static long stepsPerEpoch(int n, int batch) {
    return (n + batch - 1) / batch;
  }

  public long stepsPerEpoch() {
    return stepsPerEpoch(examples, batch);
  }

  public long totalSteps() {
    return stepsPerEpoch() * epochs;
  }

  public int epochs() {
    return epochs;
  }

  /** The example order of epoch {@code epoch} (0-based): a Fisher-Yates shuffle seeded by (seed, epoch). */
  public static int[] order(int n, long seed, int epoch) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    SplittableRandom r = Hashing.rng(seed, "epoch/" + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** Optimizer step {@code step} (1-based). */
  public Step step(long step) {
    if (step < 1 || step > totalSteps()) throw new IllegalArgumentException("step " + step + " outside 1.." + totalSteps());
    long perEpoch = stepsPerEpoch();
    int epoch = (int) ((step - 1) / perEpoch);
    int s = (int) ((step - 1) % perEpoch);
    return build(step, epoch, s, order(examples, seed, epoch));
  }

  /** Steps {@code from..totalSteps()} in order, shuffling each epoch once. */
  public Iterable<Step> from(long from) {
    return () -> new java.util.Iterator<>() {
      long next = Math.max(1, from);
      int orderEpoch = -1;
      int[] order;

      @Override
      public boolean hasNext() {
        return next <= totalSteps();
      }

      @Override
      public Step next() {
        if (!hasNext()) throw new java.util.NoSuchElementException();
        long perEpoch = stepsPerEpoch();
        int epoch = (int) ((next - 1) / perEpoch);
        if (epoch != orderEpoch) {
          order = order(examples, seed, epoch);
          orderEpoch = epoch;
        }
        Step st = build(next, epoch, (int) ((next - 1) % perEpoch), order);
        next++;
        return st;
      }
    };
  }

  private Step build(long step, int epoch, int s, int[] order) {
    int lo = s * batch, hi = Math.min(examples, lo + batch);
    int[] ids = Arrays.copyOfRange(order, lo, hi);
    List<int[]> micro = new ArrayList<>();
    for (int k = 0; k < ids.length; k += microBatch) micro.add(Arrays.copyOfRange(ids, k, Math.min(ids.length, k + microBatch)));
    long t = 0;
    for (int i : ids) t += trained[i];
    return new Step(step, epoch, ids, List.copyOf(micro), lr.at(step), t);
  }
}
