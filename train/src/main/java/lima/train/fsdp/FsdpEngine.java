package lima.train.fsdp;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lima.core.Json;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.UserException;
import lima.train.data.TokenizedDataset;
import lima.train.fit.Checkpoints;
import lima.train.fit.DatasetInfo;
import lima.train.fit.FineTune;
import lima.train.fit.LossChart;
import lima.train.fit.Metrics;
import lima.train.fit.StepSchedule;
import lima.train.fit.TrainConfig;
import lima.train.fit.Trainer;
import lima.train.model.LlamaConfig;

/**
 * {@code lima train --engine fsdp}: the same command, settings, data, outputs and resume as the DJL engine, with
 * the training done by PyTorch FSDP2 ranks (python/lima_fsdp) that lima launches and supervises. lima keeps the
 * control plane: it opens the run folder (lock, manifest, stats), checks the dataset and a resumed checkpoint,
 * computes the step schedule ({@link StepSchedule}) into the run spec, unpacks the worker, starts torchrun (or,
 * with {@code --print-launch}, prints the per-node commands) and shows progress from the ranks' events.
 */
public final class FsdpEngine {
  /** The engine name recorded in every checkpoint of this engine (trainer-state.json "engine"). */
  public static final String ENGINE = "fsdp";
  /** Held by rank 0 while it runs; a new launch waits for the ranks of a killed run to be gone. */
  public static final String WORKER_LOCK = ".worker.lock";

  private FsdpEngine() {}

  /**
   * Trains (or with {@code printLaunch} prepares OUT and prints the per-node command lines to {@code w}).
   * The result is that of the DJL trainer: steps done, whether the run finished, the last loss, the metrics.
   */
  public static Trainer.Result run(TrainConfig c, Path model, Path data, Path out, boolean force, boolean resume, boolean printLaunch, PrintWriter w)
      throws IOException {
    FineTune.checkFolders(model, data);
    if (c.nodeRank() > 0 && !printLaunch) return follow(c, out, w);
    try (RunDir run = RunDir.open(new RunDir.Options(out, force || resume, c.seed(), -1))) {
      FineTune.recordInputs(run, c, model, data, resume);

      LlamaConfig mc = LlamaConfig.read(model);
      StepSchedule schedule;
      try (TokenizedDataset ds = TokenizedDataset.open(data)) {
        Trainer.DatasetScan scan = Trainer.DatasetScan.of(ds, data);
        Trainer.checkLengths(c.maxLen(), data, scan.longest(), mc.maxPositionEmbeddings());
        schedule = new StepSchedule(c, scan.targets());
      }
      LlamaConfig grown = grown(mc, DatasetInfo.vocab(data));
      Checkpoints.Identity identity = new Checkpoints.Identity(ENGINE, Checkpoints.Identity.model(model), Checkpoints.Identity.dataset(data));
      Map<String, Object> fingerprint = new java.util.LinkedHashMap<>();
      fingerprint.put("engine", identity.engine());
      fingerprint.put("model_sha256", identity.modelSha256());
      fingerprint.put("dataset_sha256", identity.datasetSha256());
      Checkpoints checkpoints = new Checkpoints(out, c, identity);
      if (!resume) checkpoints.clear(); // --force: nothing of an earlier run survives to be resumed by mistake
      Path resumeFrom = resume ? Checkpoints.latest(out) : null;
      long done = resumeFrom == null ? 0 : checkpoints.resumable(resumeFrom); // same engine, model, data and recipe
      Metrics metrics = new Metrics(out, done); // keeps the lines up to the checkpoint; the ranks append the rest
      long total = schedule.totalSteps();
      if (done >= total) {
        run.finish("train", List.of(Metrics.FILE), null);
        return new Trainer.Result(done, total, true, metrics.lastLoss(), metrics.all());
      }
      Path spec = RunSpec.write(out, RunSpec.build(c, model, data, out, grown, schedule, fingerprint, resumeFrom, done));
      Path worker = WorkerPackage.unpack(out);
      if (printLaunch) {
        w.print(FsdpLauncher.printLaunch(c, worker, spec));
        w.flush();
        return new Trainer.Result(done, total, false, metrics.lastLoss(), metrics.all());
      }
      FsdpLauncher.PythonInfo py = FsdpLauncher.check(c.python(), worker);
      if (c.device().equals("gpu") && py.cudaDevices() < c.nprocPerNode())
        throw new UserException("--device gpu: torch " + py.torch() + " sees " + py.cudaDevices() + " CUDA device(s), --nproc-per-node asks for " + c.nprocPerNode());
      waitForOldRanks(out);
      FsdpLauncher.Outcome o;
      long first = done;
      try (Progress progress = Progress.count("train", "steps", total - done)) {
        o = FsdpLauncher.run(c, out, worker, spec, ev -> onEvent(ev, c, out, progress, first));
      }
      List<Metrics.Metric> lines = Metrics.read(out.resolve(Metrics.FILE));
      LossChart.write(out.resolve(Metrics.LOSS_PNG), lines);
      double last = Double.NaN;
      for (Metrics.Metric m : lines) if (Double.isFinite(m.loss())) last = m.loss();
      long steps = lines.isEmpty() ? done : lines.get(lines.size() - 1).step();
      run.stats().add("train", "steps", steps);
      run.stats().note("last_loss", last);
      run.stats().note("finished", o.finished());
      run.stats().note("engine", "fsdp");
      run.stats().note("python", py.python());
      run.stats().note("torch", py.torch());
      run.stats().note("world_size", c.nprocPerNode() * c.nnodes());
      List<String> outputs = new ArrayList<>(List.of(Metrics.FILE, Metrics.LOSS_PNG, RunSpec.FILE));
      if (o.finished()) outputs.add("final/model.safetensors");
      run.finish("train", outputs, null);
      return new Trainer.Result(steps, total, o.finished(), last, lines);
    }
  }

  /**
   * Node rank > 0 of a multi-node run started with lima on every node: node 0's lima owns OUT (lock, manifest,
   * run spec, worker); this one waits for a run spec written after it started, then runs this node's ranks.
   */
  static Trainer.Result follow(TrainConfig c, Path out, PrintWriter w) throws IOException {
    Path spec = out.resolve(RunSpec.FILE);
    long started = System.currentTimeMillis() - 2000; // file times may be coarse
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (!(Files.isRegularFile(spec) && Files.getLastModifiedTime(spec).toMillis() >= started
        && Files.isRegularFile(out.resolve(WorkerPackage.DIR).resolve("lima_fsdp/worker.py")))) {
      if (System.nanoTime() > deadline)
        throw new UserException(out + ": node 0 wrote no run spec in 10 minutes; start lima on node 0 with the same --out (a file system all nodes share)");
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserException("interrupted while waiting for node 0's run spec");
      }
    }
    JsonNode n = Json.MAPPER.readTree(spec.toFile());
    long total = n.path("total_steps").asLong();
    Path worker = out.toAbsolutePath().normalize().resolve(WorkerPackage.DIR);
    FsdpLauncher.check(c.python(), worker);
    FsdpLauncher.Outcome o = FsdpLauncher.run(c, out, worker, spec, ev -> {});
    w.printf(Locale.ROOT, "node %d: its %d rank(s) are done; node 0 reports the run%n", c.nodeRank(), c.nprocPerNode());
    w.flush();
    List<Metrics.Metric> lines = Metrics.read(out.resolve(Metrics.FILE));
    long steps = lines.isEmpty() ? 0 : lines.get(lines.size() - 1).step();
    double last = Double.NaN;
    for (Metrics.Metric m : lines) if (Double.isFinite(m.loss())) last = m.loss();
    return new Trainer.Result(steps, total, o.finished() || Files.isDirectory(out.resolve(Checkpoints.FINAL)), last, lines);
  }

  private static void onEvent(JsonNode ev, TrainConfig c, Path out, Progress progress, long first) {
    switch (ev.path("event").asText()) {
      case "step" -> {
        long step = ev.path("step").asLong();
        double loss = ev.path("loss").isNumber() ? ev.path("loss").asDouble() : Double.NaN;
        progress.detail(String.format(Locale.ROOT, "step %d/%d  epoch %d/%d  loss %.4f  %.0f tok/s", step, ev.path("total").asLong(),
            (int) Math.ceil(ev.path("epoch").asDouble()), c.epochs(), loss, ev.path("tokens_per_s").asDouble()));
        progress.update(step - first, step - first);
      }
      case "checkpoint" -> {
        if (ev.path("name").asText().startsWith("epoch-")) {
          try {
            LossChart.write(out.resolve(Metrics.LOSS_PNG), Metrics.read(out.resolve(Metrics.FILE)));
          } catch (IOException e) {
            // the chart is redrawn at the end of the run anyway
          }
        }
      }
      default -> {}
    }
  }

  /** The model config with the vocabulary grown to the tokenizer's (the EOT row), as the DJL loader grows it. */
  static LlamaConfig grown(LlamaConfig c, int minVocab) {
    if (minVocab <= c.vocabSize()) return c;
    return new LlamaConfig(c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.intermediateSize(), c.rmsNormEps(),
        c.ropeTheta(), c.tieWordEmbeddings(), c.bosTokenId(), c.eosTokenIds(), c.maxPositionEmbeddings(), minVocab, c.headDim(), c.torchDtype());
  }



  /** Waits (up to a minute) for the ranks of an earlier, killed launch to release OUT/.worker.lock. */
  static void waitForOldRanks(Path out) throws IOException {
    try (FileChannel ch = FileChannel.open(out.resolve(WORKER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (true) {
        FileLock l = ch.tryLock();
        if (l != null) {
          l.release();
          return;
        }
        if (System.nanoTime() > deadline)
          throw new UserException(out + ": the ranks of an earlier run still hold " + WORKER_LOCK + " after a minute; stop them first");
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UserException("interrupted while waiting for the ranks of an earlier run");
        }
      }
    }
  }
}
