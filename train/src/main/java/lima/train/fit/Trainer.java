package lima.train.fit;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import lima.core.AtomicFiles;
import lima.core.ExitCodes;
import lima.core.Hashing;
import lima.core.Json;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.UserException;
import lima.train.data.TokenizedDataset;
import lima.train.data.TokenizedExample;
import lima.train.optim.AdamW;
import lima.train.optim.LinearDecay;

/**
 * The LIMA fine-tuning loop: seeded shuffle per epoch, batches of {@code batch} examples through
 * gradient accumulation of {@code micro-batch}, the loss averaged over the trained tokens of the
 * whole batch, optional global-norm clipping, AdamW with linear decay, a NaN/inf guard, and
 * checkpoints that make a resumed run end with the same bytes as an uninterrupted one.
 *
 * <p>Determinism: the data order of epoch e comes from {@code Hashing.rng(seed, "epoch/e")}; before
 * each micro-batch the engine's generator (dropout) is seeded from {@code (seed, step, micro)}, so
 * the random state of any step is a function of the step number and nothing else needs saving.
 */
public final class Trainer {
  public static final String METRICS = "metrics.jsonl";
  public static final String LOSS_PNG = "loss.png";
  public static final String STATE = "trainer-state.json";
  public static final String OPTIMIZER = "optimizer.bin";
  public static final String DATASET_MANIFEST = "dataset-manifest.json";
  /** Folder of a tokenized dataset holding its tokenizer files (with the end-of-turn token). */
  public static final String DATA_TOKENIZER = "tokenizer";

  /** Opens a model folder for training on {@code device}, grown to at least {@code minVocab} rows. */
  @FunctionalInterface
  public interface ModelLoader {
    TrainableModel load(Path dir, NDManager manager, Device device, TrainConfig config, int minVocab) throws IOException;
  }

  /** One optimizer step's line in metrics.jsonl. */
  public record Metric(long step, double epoch, double loss, double lr, double gradNorm, double tokensPerS, long trainedTokens) {
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", step);
      m.put("epoch", epoch);
      m.put("loss", Double.isFinite(loss) ? loss : null); // null: the batch had no trained token
      m.put("trained_tokens", trainedTokens);
      m.put("lr", lr);
      m.put("grad_norm", gradNorm);
      m.put("tokens_per_s", tokensPerS);
      return m;
    }

    static Metric of(JsonNode n) {
      return new Metric(n.path("step").asLong(), n.path("epoch").asDouble(), n.path("loss").isNumber() ? n.path("loss").asDouble() : Double.NaN,
          n.path("lr").asDouble(), n.path("grad_norm").asDouble(), n.path("tokens_per_s").asDouble(), n.path("trained_tokens").asLong());
    }
  }

  /** What a run did: steps done (in all), whether it reached the end, the last step's loss. */
  public record Result(long stepsDone, long totalSteps, boolean finished, double lastLoss, List<Metric> metrics) {}

  private final TrainConfig config;
  private final ModelLoader loader;

  public Trainer(TrainConfig config, ModelLoader loader) {
    this.config = config;
    this.loader = loader;
  }

  /** Steps per epoch for {@code n} examples (the last batch may be smaller). */
  public static long stepsPerEpoch(int n, int batch) {
    return (n + batch - 1) / batch;
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

  /** Trains from {@code modelDir} on {@code dataDir} into the run folder (continuing when {@code resume}). */
  public Result run(Path modelDir, Path dataDir, RunDir run, boolean resume) throws IOException {
    Path out = run.out();
    try (TokenizedDataset ds = TokenizedDataset.open(dataDir)) {
      int n = ds.size();
      if (n == 0) throw new UserException(dataDir + ": the tokenized dataset has no examples");
      long perEpoch = stepsPerEpoch(n, config.batch());
      long total = perEpoch * config.epochs();
      LinearDecay schedule = new LinearDecay(config.lr(), config.finalLr(), total);
      Device device = config.device().equals("gpu") ? Device.gpu() : Device.cpu();
      if (device.isGpu() && Engine.getInstance().getGpuCount() == 0)
        throw new UserException("--device gpu: no GPU is visible to the engine (" + Engine.getInstance().getEngineName() + ")");
      int minVocab = datasetVocab(dataDir);

      Path startFrom = modelDir;
      Path resumeFrom = resume ? latestCheckpoint(out) : null;
      long doneSteps = 0;
      List<Metric> metrics = new ArrayList<>();
      if (resumeFrom != null) {
        JsonNode st = Json.MAPPER.readTree(resumeFrom.resolve(STATE).toFile());
        checkSameRecipe(resumeFrom, st.path("config"));
        doneSteps = st.path("step").asLong();
        startFrom = resumeFrom;
        for (Metric m : readMetrics(out.resolve(METRICS))) if (m.step() <= doneSteps) metrics.add(m);
      }
      writeMetrics(out, metrics); // the lines of the run so far, rewritten once; then appended per step

      try (NDManager manager = NDManager.newBaseManager(device);
          TrainableModel model = loader.load(startFrom, manager, device, config, minVocab)) {
        List<AdamW.Param> params = new ArrayList<>();
        model.parameters().forEach((name, w) -> {
          w.setRequiresGradient(true);
          params.add(AdamW.Param.of(name, w));
        });
        AdamW.Settings settings = new AdamW.Settings(config.beta1(), config.beta2(), config.eps(), config.weightDecay());
        try (AdamW opt = new AdamW(manager, params, settings);
            Progress progress = Progress.count("train", "steps", total - doneSteps)) {
          if (resumeFrom != null) opt.load(resumeFrom.resolve(OPTIMIZER));
          int maxLen = Math.min(config.maxLen(), model.maxPositions());
          if (maxLen < config.maxLen())
            System.err.printf(Locale.ROOT, "note: the model takes at most %d positions; examples are trimmed to %d tokens, not --max-len %d%n",
                maxLen, maxLen, config.maxLen());
          if (doneSteps >= total) return new Result(doneSteps, total, true, last(metrics), metrics);
          long stepsThisRun = 0;
          final long firstStep = doneSteps;
          double lastLoss = last(metrics);
          for (int epoch = (int) (doneSteps / perEpoch); epoch < config.epochs(); epoch++) {
            int[] order = order(n, config.seed(), epoch);
            for (long s = doneSteps - epoch * perEpoch; s < perEpoch; s++) {
              long step = epoch * perEpoch + s + 1;
              List<TokenizedExample> batch = new ArrayList<>();
              for (int k = (int) (s * config.batch()); k < Math.min(n, (s + 1) * config.batch()); k++)
                batch.add(trim(ds.get(order[k]), maxLen));
              double lr = schedule.at(step);
              Metric m = step(model, manager, device, opt, params, batch, step, epoch, lr, perEpoch);
              metrics.add(m);
              if (Double.isFinite(m.loss())) lastLoss = m.loss();
              doneSteps = step;
              stepsThisRun++;
              appendMetric(out, m);
              progress.detail(String.format(Locale.ROOT, "step %d/%d  epoch %d/%d  loss %.4f  %.0f tok/s", step, total, epoch + 1, config.epochs(),
                  m.loss(), m.tokensPerS()));
              progress.update(step - firstStep, step - firstStep);
              boolean endOfEpoch = s == perEpoch - 1;
              boolean stop = config.stopAfter() > 0 && stepsThisRun >= config.stopAfter() && step < total;
              if (endOfEpoch) {
                save(model, opt, run, dataDir, "epoch-" + (epoch + 1), doneSteps, epoch, perEpoch, total);
                deleteStepCheckpoints(out);
                writeChart(out, metrics);
              } else if (stop || (config.saveEvery() > 0 && step % config.saveEvery() == 0)) {
                save(model, opt, run, dataDir, "step-" + step, step, epoch, perEpoch, total);
              }
              if (stop) {
                writeChart(out, metrics);
                return new Result(doneSteps, total, false, lastLoss, metrics);
              }
            }
          }
          linkFinal(out.resolve("epoch-" + config.epochs()), out.resolve("final"));
          return new Result(doneSteps, total, true, lastLoss, metrics);
        }
      }
    }
  }

  private static TokenizedExample trim(TokenizedExample e, int maxLen) {
    if (e.length() <= maxLen) return e;
    return new TokenizedExample(e.id(), e.source(), java.util.Arrays.copyOf(e.ids(), maxLen),
        java.util.Arrays.copyOf(e.trained(), maxLen), e.originalLength());
  }

  /** The loss of the last step that had trained tokens. */
  private static double last(List<Metric> m) {
    for (int i = m.size() - 1; i >= 0; i--) if (Double.isFinite(m.get(i).loss())) return m.get(i).loss();
    return Double.NaN;
  }

  /** Seed of the engine generator for micro-batch {@code micro} of optimizer step {@code step}. */
  static int dropoutSeed(long seed, long step, int micro) {
    return (int) Hashing.key(seed, "dropout/" + step + "/" + micro);
  }

  private Metric step(TrainableModel model, NDManager manager, Device device, AdamW opt, List<AdamW.Param> params,
      List<TokenizedExample> batch, long step, int epoch, double lr, long perEpoch) {
    long t0 = System.nanoTime();
    long trained = 0;
    for (TokenizedExample e : batch) trained += MaskedLoss.targets(e);
    double loss = 0;
    long tokens = 0;
    double gradNorm;
    try (NDManager stepMgr = manager.newSubManager(device)) {
      zeroGradients(params, stepMgr);
      if (trained > 0) {
        double[] lt = accumulate(model, stepMgr, device, batch, config.microBatch(), config.seed(), step, epoch, trained);
        loss = lt[0];
        tokens = (long) lt[1];
      } else {
        for (TokenizedExample e : batch) tokens += Math.max(0, e.length() - 1);
      }
      gradNorm = gradientNorm(params, stepMgr);
      if (!Double.isFinite(gradNorm)) throw diverged(step, epoch, "the gradient norm is " + gradNorm);
      if (trained > 0) {
        if (config.clip() > 0 && gradNorm > config.clip()) scaleGradients(params, stepMgr, config.clip() / (gradNorm + 1e-6));
        opt.update(lr);
      }
    }
    double secs = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
    return new Metric(step, epoch + (double) (step - epoch * perEpoch) / perEpoch, trained > 0 ? loss : Double.NaN, lr, gradNorm, tokens / secs,
        trained);
  }

  /**
   * Forward and backward passes over {@code batch} in micro-batches of {@code microBatch}, adding
   * to the parameters' gradients; returns {loss, input tokens}. {@code trained} is the number of
   * trained targets of the whole batch (the loss's denominator).
   */
  static double[] accumulate(TrainableModel model, NDManager stepMgr, Device device, List<TokenizedExample> batch, int microBatch,
      long seed, long step, int epoch, long trained) {
    double loss = 0;
    long tokens = 0;
    int micro = 0;
    for (int k = 0; k < batch.size(); k += microBatch, micro++) {
      List<TokenizedExample> part = batch.subList(k, Math.min(batch.size(), k + microBatch));
      Engine.getInstance().setRandomSeed(dropoutSeed(seed, step, micro));
      try (NDManager mb = stepMgr.newSubManager(device)) {
        MaskedLoss.MicroBatch in = MaskedLoss.collate(mb, part);
        tokens += in.realTokens();
        if (in.trainedTokens() == 0) continue;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray logits = model.logits(in.inputs(), true);
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

  // ---- checkpoints ----

  private void save(TrainableModel model, AdamW opt, RunDir run, Path dataDir, String name, long step, int epoch, long perEpoch, long total)
      throws IOException {
    Path out = run.out();
    Path target = out.resolve(name);
    Path tmp = out.resolve("." + name + ".tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    model.save(tmp);
    Path tok = dataDir.resolve(DATA_TOKENIZER);
    if (Files.isDirectory(tok)) {
      try (Stream<Path> s = Files.list(tok)) {
        for (Path f : s.sorted().toList())
          if (Files.isRegularFile(f)) Files.copy(f, tmp.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    opt.save(tmp.resolve(OPTIMIZER));
    Path dm = dataDir.resolve(RunDir.MANIFEST);
    if (Files.isRegularFile(dm)) Files.copy(dm, tmp.resolve(DATASET_MANIFEST));
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("step", step);
    st.put("total_steps", total);
    st.put("steps_per_epoch", perEpoch);
    st.put("epoch", epoch + 1);
    st.put("epoch_complete", step % perEpoch == 0);
    st.put("seed", config.seed());
    st.put("rng", Map.of(
        "data_order", "Hashing.rng(seed, \"epoch/<e>\") Fisher-Yates per epoch",
        "dropout", "engine seeded before each micro-batch with Hashing.key(seed, \"dropout/<step>/<micro>\")",
        "next_step", step + 1));
    st.put("config", config.toMap());
    AtomicFiles.writeString(tmp.resolve(STATE), Json.PRETTY.writeValueAsString(st) + "\n");
    Path old = out.resolve("." + name + ".old");
    deleteTree(old);
    if (Files.exists(target)) Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
    // an older step checkpoint is superseded by this one
    try (Stream<Path> s = Files.list(out)) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        if (f.startsWith("step-") && !f.equals(name) && stepOf(p) < step) deleteTree(p);
      }
    }
  }

  private static void deleteStepCheckpoints(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      for (Path p : s.toList()) if (p.getFileName().toString().startsWith("step-")) deleteTree(p);
    }
  }

  private static void linkFinal(Path from, Path finalDir) throws IOException {
    Path tmp = finalDir.resolveSibling(".final.tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.sorted().toList()) {
        Path t = tmp.resolve(f.getFileName());
        try {
          Files.createLink(t, f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, t);
        }
      }
    }
    deleteTree(finalDir);
    Files.move(tmp, finalDir, StandardCopyOption.ATOMIC_MOVE);
  }

  private static long stepOf(Path checkpoint) {
    try {
      return Json.MAPPER.readTree(checkpoint.resolve(STATE).toFile()).path("step").asLong(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  /** The checkpoint of {@code out} with the most steps (epoch-K or step-N), or null. */
  public static Path latestCheckpoint(Path out) throws IOException {
    if (!Files.isDirectory(out)) return null;
    try (Stream<Path> s = Files.list(out)) {
      return s.filter(p -> {
            String f = p.getFileName().toString();
            return (f.startsWith("epoch-") || f.startsWith("step-")) && Files.isRegularFile(p.resolve(STATE));
          })
          .max(Comparator.comparingLong(Trainer::stepOf))
          .orElse(null);
    }
  }

  private void checkSameRecipe(Path ckpt, JsonNode saved) {
    Map<String, Object> now = config.toMap();
    for (String k : List.of("epochs", "lr", "final-lr", "batch", "micro-batch", "weight-decay", "beta1", "beta2", "eps", "dropout-top", "max-len", "seed", "clip")) {
      JsonNode v = saved.get(k);
      if (v == null) continue;
      Object mine = now.get(k);
      boolean same = mine instanceof Number num ? num.doubleValue() == v.asDouble() : String.valueOf(mine).equals(v.asText());
      if (!same)
        throw new UserException("--resume: " + ckpt + " was trained with " + k + " = " + v.asText() + ", this run asks for " + mine
            + "; resume with the same settings (or start a new --out)");
    }
  }

  private static int datasetVocab(Path dataDir) throws IOException {
    Path f = dataDir.resolve("dataset.json");
    if (!Files.isRegularFile(f)) return 0;
    return Json.MAPPER.readTree(f.toFile()).path("vocab_size").asInt(0);
  }

  static List<Metric> readMetrics(Path f) throws IOException {
    List<Metric> out = new ArrayList<>();
    if (!Files.isRegularFile(f)) return out;
    for (String line : Files.readAllLines(f)) {
      if (line.isBlank()) continue;
      try {
        out.add(Metric.of(Json.MAPPER.readTree(line)));
      } catch (IOException e) {
        // a line cut short by a kill: the checkpoint's step decides what is kept anyway
      }
    }
    return out;
  }

  private static void appendMetric(Path out, Metric m) throws IOException {
    Files.writeString(out.resolve(METRICS), Json.MAPPER.writeValueAsString(m.toJson()) + "\n",
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
  }

  private static void writeMetrics(Path out, List<Metric> metrics) throws IOException {
    AtomicFiles.writeText(out.resolve(METRICS), w -> {
      for (Metric m : metrics) {
        w.write(Json.MAPPER.writeValueAsString(m.toJson()));
        w.write('\n');
      }
    });
  }

  private static void writeChart(Path out, List<Metric> metrics) throws IOException {
    LossChart.write(out.resolve(LOSS_PNG), metrics);
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
    }
  }
}
