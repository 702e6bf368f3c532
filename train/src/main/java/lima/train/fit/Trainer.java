package lima.train.fit;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lima.core.ExitCodes;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.UserException;
import lima.train.data.TokenizedDataset;
import lima.train.data.TokenizedExample;
import lima.train.optim.AdamW;

/**
 * The LIMA fine-tuning loop on DJL: runs the steps of a {@link StepSchedule} (which examples, which
 * micro-batches, which learning rate), each as forward/backward passes whose gradients accumulate,
 * the loss averaged over the trained tokens of the whole batch, optional global-norm clipping, AdamW,
 * a NaN/inf guard; {@link Checkpoints} and {@link Metrics} keep what a resumed run needs to end
 * with the same bytes as an uninterrupted one.
 *
 * <p>Determinism: the data order comes from the schedule; every dropout draw is a function of (seed,
 * step, example, layer) ({@link SeededDropout}), so neither the micro-batch size nor the thread count
 * changes a result, and nothing of the random state needs saving.
 */
public final class Trainer {
  /** The engine name recorded in every checkpoint; a checkpoint of another engine is not resumed. */
  public static final String ENGINE = "djl";

  /** Folder of a tokenized dataset holding its tokenizer files (with the end-of-turn token). */
  public static final String DATA_TOKENIZER = "tokenizer";

  /** Opens a model folder for training on {@code device}, grown to at least {@code minVocab} rows. */
  @FunctionalInterface
  public interface ModelLoader {
    TrainableModel load(Path dir, NDManager manager, Device device, TrainConfig config, int minVocab) throws IOException;
  }

  /** What a run did: steps done (in all), whether it reached the end, the last step's loss. */
  public record Result(long stepsDone, long totalSteps, boolean finished, double lastLoss, List<Metrics.Metric> metrics) {}

  private final TrainConfig config;
  private final ModelLoader loader;

  public Trainer(TrainConfig config, ModelLoader loader) {
    this.config = config;
    this.loader = loader;
  }

  /** Trains from {@code modelDir} on {@code dataDir} into the run folder (continuing when {@code resume}). */
  public Result run(Path modelDir, Path dataDir, RunDir run, boolean resume) throws IOException {
    Path out = run.out();
    try (TokenizedDataset ds = TokenizedDataset.open(dataDir)) {
      DatasetScan scan = DatasetScan.of(ds, dataDir);
      StepSchedule schedule = new StepSchedule(config, scan.targets());
      long perEpoch = schedule.stepsPerEpoch();
      long total = schedule.totalSteps();
      Device device = config.device().equals("gpu") ? Device.gpu() : Device.cpu();
      if (device.isGpu() && Engine.getInstance().getGpuCount() == 0)
        throw new UserException("--device gpu: no GPU is visible to the engine (" + Engine.getInstance().getEngineName() + ")");
      int minVocab = DatasetInfo.vocab(dataDir);

      Checkpoints checkpoints = new Checkpoints(out, config,
          new Checkpoints.Identity(ENGINE, Checkpoints.Identity.model(modelDir), Checkpoints.Identity.dataset(dataDir)));
      if (!resume) checkpoints.clear(); // --force: nothing of an earlier run survives to be resumed by mistake
      Path resumeFrom = resume ? Checkpoints.latest(out) : null;
      long doneSteps = resumeFrom == null ? 0 : checkpoints.resumable(resumeFrom);
      Metrics metrics = new Metrics(out, doneSteps); // the lines of the run so far, rewritten once; then appended per step

      try (NDManager manager = NDManager.newBaseManager(device);
          TrainableModel model = loader.load(resumeFrom != null ? resumeFrom : modelDir, manager, device, config, minVocab)) {
        checkLengths(config.maxLen(), dataDir, scan.longest(), model.maxPositions());
        List<AdamW.Param> params = new ArrayList<>();
        model.parameters().forEach((name, w) -> {
          w.setRequiresGradient(true);
          params.add(AdamW.Param.of(name, w));
        });
        AdamW.Settings settings = new AdamW.Settings(config.beta1(), config.beta2(), config.eps(), config.weightDecay());
        try (AdamW opt = new AdamW(manager, params, settings);
            Progress progress = Progress.count("train", "steps", total - doneSteps)) {
          if (resumeFrom != null) opt.load(resumeFrom.resolve(Checkpoints.OPTIMIZER));
          if (doneSteps >= total) { // a kill after the last epoch's checkpoint: finish what the run still owes
            complete(checkpoints, metrics);
            return new Result(doneSteps, total, true, metrics.lastLoss(), metrics.all());
          }
          long stepsThisRun = 0;
          final long firstStep = doneSteps;
          for (StepSchedule.Step st : schedule.from(doneSteps + 1)) {
            long step = st.step();
            int epoch = st.epoch();
            List<List<TokenizedExample>> micro = new ArrayList<>();
            for (int[] mb : st.microBatches()) {
              List<TokenizedExample> part = new ArrayList<>(mb.length);
              for (int i : mb) part.add(ds.get(i));
              micro.add(part);
            }
            Metrics.Metric m = step(model, manager, device, opt, params, micro, st, perEpoch);
            metrics.add(m);
            doneSteps = step;
            stepsThisRun++;
            progress.detail(String.format(Locale.ROOT, "step %d/%d  epoch %d/%d  loss %.4f  %.0f tok/s", step, total, epoch + 1, config.epochs(),
                m.loss(), m.tokensPerS()));
            progress.update(step - firstStep, step - firstStep);
            boolean endOfEpoch = step % perEpoch == 0;
            boolean stop = config.stopAfter() > 0 && stepsThisRun >= config.stopAfter() && step < total;
            Checkpoints.Position at = new Checkpoints.Position(step, perEpoch, total);
            if (endOfEpoch) {
              checkpoints.save(model, opt, dataDir, "epoch-" + (epoch + 1), at);
              checkpoints.deleteStepCheckpoints();
              metrics.chart();
            } else if (stop || (config.saveEvery() > 0 && step % config.saveEvery() == 0)) {
              checkpoints.save(model, opt, dataDir, "step-" + step, at);
            }
            if (stop) {
              metrics.chart();
              return new Result(doneSteps, total, false, metrics.lastLoss(), metrics.all());
            }
          }
          complete(checkpoints, metrics);
          return new Result(doneSteps, total, true, metrics.lastLoss(), metrics.all());
        }
      }
    }
  }

  /**
   * What both engines read of a tokenized dataset before training: each example's trained targets (for the
   * step schedule) and the longest example's tokens (for {@link #checkLengths}).
   */
  public record DatasetScan(int[] targets, int longest) {
    /** Reads every example of {@code ds}; an empty dataset is refused. */
    public static DatasetScan of(TokenizedDataset ds, Path dataDir) {
      int n = ds.size();
      if (n == 0) throw new UserException(dataDir + ": the tokenized dataset has no examples");
      int[] targets = new int[n];
      int longest = 0;
      for (int i = 0; i < n; i++) {
        TokenizedExample e = ds.get(i);
        targets[i] = MaskedLoss.targets(e);
        longest = Math.max(longest, e.length());
      }
      return new DatasetScan(targets, longest);
    }
  }

  /** The end of a run: no step checkpoints, the chart, and final/ holding the last epoch. */
  private void complete(Checkpoints checkpoints, Metrics metrics) throws IOException {
    checkpoints.deleteStepCheckpoints();
    metrics.chart();
    checkpoints.linkFinal("epoch-" + config.epochs());
  }

  /**
   * Trimming happens in {@code lima tokenize}, nowhere else: a dataset with an example longer than
   * --max-len or than the model's positions is refused rather than trimmed again here (both engines call this).
   */
  public static void checkLengths(int maxLen, Path dataDir, int longest, int maxPositions) {
    if (longest > maxLen)
      throw new UserException(String.format(Locale.ROOT,
          "%s: an example has %d tokens, more than --max-len %d; trimming happens in lima tokenize: tokenize again with --max-len %d",
          dataDir, longest, maxLen, maxLen));
    if (longest > maxPositions)
      throw new UserException(String.format(Locale.ROOT,
          "%s: an example has %d tokens, more than the model's %d positions; tokenize again for this model (lima tokenize trims to %d)",
          dataDir, longest, maxPositions, maxPositions));
  }


  private Metrics.Metric step(TrainableModel model, NDManager manager, Device device, AdamW opt, List<AdamW.Param> params,
      List<List<TokenizedExample>> micro, StepSchedule.Step st, long perEpoch) {
    long t0 = System.nanoTime();
    long trained = st.trainedTokens();
    long step = st.step();
    int epoch = st.epoch();
    double loss = 0;
    long tokens = 0;
    double gradNorm;
    try (NDManager stepMgr = manager.newSubManager(device)) {
      zeroGradients(params, stepMgr);
      if (trained > 0) {
        double[] lt = accumulate(model, stepMgr, device, micro, st.microBatches(), config.seed(), step, epoch, trained);
        loss = lt[0];
        tokens = (long) lt[1];
      } else {
        for (List<TokenizedExample> part : micro) for (TokenizedExample e : part) tokens += Math.max(0, e.length() - 1);
      }
      gradNorm = gradientNorm(params, stepMgr);
      if (!Double.isFinite(gradNorm)) throw diverged(step, epoch, "the gradient norm is " + gradNorm);
      if (trained > 0) {
        if (config.clip() > 0 && gradNorm > config.clip()) scaleGradients(params, stepMgr, config.clip() / (gradNorm + 1e-6));
        opt.update(st.lr());
      }
    }
    double secs = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
    return new Metrics.Metric(step, st.epochProgress(perEpoch), trained > 0 ? loss : Double.NaN, st.lr(), gradNorm, tokens / secs, trained);
  }

  /**
   * {@link #accumulate(TrainableModel, NDManager, Device, List, List, long, long, int, long)} over {@code
   * batch} cut in slices of {@code microBatch}; example {@code k} of the batch counts as dataset index k.
   */
  static double[] accumulate(TrainableModel model, NDManager stepMgr, Device device, List<TokenizedExample> batch, int microBatch,
      long seed, long step, int epoch, long trained) {
    List<List<TokenizedExample>> micro = new ArrayList<>();
    List<int[]> indices = new ArrayList<>();
    for (int k = 0; k < batch.size(); k += microBatch) {
      int end = Math.min(batch.size(), k + microBatch);
      micro.add(batch.subList(k, end));
      indices.add(java.util.stream.IntStream.range(k, end).toArray());
    }
    return accumulate(model, stepMgr, device, micro, indices, seed, step, epoch, trained);
  }

  /**
   * Forward and backward passes over the micro-batches of one step ({@code indices}: their dataset
   * indices, which key the dropout masks), adding to the parameters' gradients; returns {loss, input tokens}. {@code trained} is the number of trained targets of the
   * whole batch (the loss's denominator).
   */
  static double[] accumulate(TrainableModel model, NDManager stepMgr, Device device, List<List<TokenizedExample>> microBatches,
      List<int[]> indices, long seed, long step, int epoch, long trained) {
    double loss = 0;
    long tokens = 0;
    for (int k = 0; k < microBatches.size(); k++) {
      List<TokenizedExample> part = microBatches.get(k);
      SeededDropout dropout = new SeededDropout(seed, step, indices.get(k));
      try (NDManager mb = stepMgr.newSubManager(device)) {
        MaskedLoss.MicroBatch in = MaskedLoss.collate(mb, part);
        tokens += in.realTokens();
        if (in.trainedTokens() == 0) continue;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray logits = model.logits(in.inputs(), dropout);
          NDArray share = MaskedLoss.share(logits, in.targets(), in.weights(), trained);
          double v = share.getFloat();
          if (!Double.isFinite(v)) throw diverged(step, epoch, "the loss is " + v);
          loss += v;
          gc.backward(share);
        }
      }
    }
    return new double[] {loss, tokens};
  }

  private static UserException diverged(long step, int epoch, String what) {
    return new UserException(String.format(Locale.ROOT,
        "training diverged at step %d (epoch %d): %s; stopping (lower --lr, set --clip, or check the data)", step, epoch + 1, what),
        ExitCodes.SOFTWARE);
  }

  static void zeroGradients(List<AdamW.Param> params, NDManager tmp) {
    for (AdamW.Param p : params) {
      NDArray g = p.weight().getGradient();
      g.attach(tmp);
      g.subi(g);
    }
  }

  /** Global L2 norm of all gradients, computed on the device. */
  static double gradientNorm(List<AdamW.Param> params, NDManager tmp) {
    NDArray sum = tmp.zeros(new Shape(), DataType.FLOAT32);
    for (AdamW.Param p : params) {
      NDArray g = p.weight().getGradient();
      g.attach(tmp);
      NDArray sq = g.mul(g).sum();
      sq.attach(tmp);
      NDArray next = sum.add(sq.toDevice(sum.getDevice(), false));
      next.attach(tmp);
      sum = next;
    }
    return Math.sqrt(sum.getFloat());
  }

  static void scaleGradients(List<AdamW.Param> params, NDManager tmp, double factor) {
    for (AdamW.Param p : params) {
      NDArray g = p.weight().getGradient();
      g.attach(tmp);
      NDArray f = tmp.full(new Shape(), (float) factor, DataType.FLOAT32, g.getDevice());
      g.muli(f);
    }
  }

}
