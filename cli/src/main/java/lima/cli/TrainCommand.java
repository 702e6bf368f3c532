package lima.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import lima.core.Json;
import lima.core.UserException;
import lima.train.fit.FineTune;
import lima.train.fit.MemoryPlan;
import lima.train.fit.TrainConfig;
import lima.train.fit.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lima train}: full fine-tuning with the LIMA recipe, resumable; {@code --plan} for memory. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fine-tune a LLaMA-family model on a tokenized dataset with the LIMA recipe (paper section 3).",
      "Defaults: 15 epochs, AdamW (0.9, 0.95, wd 0.1), lr 1e-5 -> 1e-6 linear, batch 32, residual dropout 0 -> 0.3, max-len 2048.",
      "Every option is also a key of the --config JSON file; flags win over the file."
    })
public final class TrainCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "DIR", description = "Hugging Face model folder (config.json, model.safetensors, tokenizer); with --plan also 7b, 13b, 33b or 65b.")
  String model;

  @Option(names = "--data", paramLabel = "DIR", description = "Tokenized dataset (from lima tokenize).")
  Path data;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder: epoch-K/, final/, metrics.jsonl, loss.png, manifest.json.")
  Path out;

  @Option(names = "--config", paramLabel = "FILE", description = "JSON file of settings (keys as the flags, e.g. {\"epochs\": 15, \"micro-batch\": 4}).")
  Path config;

  @Option(names = "--epochs", description = "Epochs (default 15).") Integer epochs;
  @Option(names = "--lr", description = "Initial learning rate (default 1e-5).") Double lr;
  @Option(names = "--final-lr", description = "Learning rate at the last step, reached linearly (default 1e-6).") Double finalLr;
  @Option(names = "--batch", description = "Examples per optimizer step (default 32; the paper uses 64 for smaller models).") Integer batch;
  @Option(names = "--micro-batch", description = "Examples per forward/backward pass; gradients accumulate to --batch (default 1). Does not change the result beyond float rounding.") Integer microBatch;
  @Option(names = "--weight-decay", description = "AdamW decoupled weight decay, not applied to norms and biases (default 0.1).") Double weightDecay;
  @Option(names = "--beta1", description = "AdamW beta1 (default 0.9).") Double beta1;
  @Option(names = "--beta2", description = "AdamW beta2 (default 0.95).") Double beta2;
  @Option(names = "--eps", description = "AdamW epsilon (default 1e-8).") Double eps;
  @Option(names = "--dropout-top", description = "Residual dropout of the last layer; rises linearly from 0 at the first (default 0.3; the paper uses 0.2 for smaller models).") Double dropoutTop;
  @Option(names = "--max-len", description = "Trim examples to this many tokens (default 2048).") Integer maxLen;
  @Option(names = "--seed", description = "Seed of the data order and dropout (default 42).") Long seed;
  @Option(names = "--save-every", description = "Also checkpoint every N optimizer steps (for --resume mid-epoch; 0: only after each epoch).") Integer saveEvery;
  @Option(names = "--device", description = "cpu or gpu (default cpu).") String device;
  @Option(names = "--clip", description = "Clip the global gradient norm to this value (0: off, the default).") Double clip;
  @Option(names = "--threads", description = "CPU threads of the engine (0: the engine's default). Exact resume needs the same count.") Integer threads;
  @Option(names = "--stop-after", description = "Stop (with a checkpoint) after N optimizer steps of this invocation; --resume goes on.") Integer stopAfter;

  @Option(names = "--resume", description = "Continue from the latest checkpoint in --out (epoch-K or step-N).")
  boolean resume;

  @Option(names = "--force", description = "Start over in a non-empty --out.")
  boolean force;

  @Option(names = "--plan", description = "Print the memory each part needs (weights, gradients, optimizer state, activations) and whether it fits; trains nothing.")
  boolean plan;

  @Option(names = "--device-memory", paramLabel = "GB", description = "With --plan: memory of the device in GiB (default: this machine's RAM for cpu, 80 for gpu).")
  Double deviceMemory;

  @Option(names = "--gpu-memory", paramLabel = "GB", defaultValue = "80", description = "With --plan: GiB per GPU for the sharded-run estimate (default ${DEFAULT-VALUE}).")
  double gpuMemory;

  @Option(names = "--json", description = "With --plan: print JSON.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Map<String, Object> flags() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epochs", epochs);
    m.put("lr", lr);
    m.put("final-lr", finalLr);
    m.put("batch", batch);
    m.put("micro-batch", microBatch);
    m.put("weight-decay", weightDecay);
    m.put("beta1", beta1);
    m.put("beta2", beta2);
    m.put("eps", eps);
    m.put("dropout-top", dropoutTop);
    m.put("max-len", maxLen);
    m.put("seed", seed);
    m.put("save-every", saveEvery);
    m.put("device", device);
    m.put("clip", clip);
    m.put("threads", threads);
    m.put("stop-after", stopAfter);
    return m;
  }

  @Override
  public Integer call() throws Exception {
    TrainConfig c = TrainConfig.resolve(config, flags());
    // Run keys of the config file (model, data, out, resume, force); flags win.
    if (model == null && TrainConfig.fileSetting(config, "model") != null) model = TrainConfig.fileSetting(config, "model").asText();
    if (data == null && TrainConfig.fileSetting(config, "data") != null) data = Path.of(TrainConfig.fileSetting(config, "data").asText());
    if (out == null && TrainConfig.fileSetting(config, "out") != null) out = Path.of(TrainConfig.fileSetting(config, "out").asText());
    if (!resume && TrainConfig.fileSetting(config, "resume") != null) resume = TrainConfig.fileSetting(config, "resume").asBoolean();
    if (!force && TrainConfig.fileSetting(config, "force") != null) force = TrainConfig.fileSetting(config, "force").asBoolean();
    var w = spec.commandLine().getOut();
    if (model == null) throw new UserException("--model is required");
    if (plan) {
      Path dir = Path.of(model);
      MemoryPlan.Shape shape = Files.isDirectory(dir) || Files.isRegularFile(dir) ? MemoryPlan.Shape.read(dir) : MemoryPlan.Shape.preset(model);
      long gib = 1L << 30;
      long dev = deviceMemory != null ? (long) (deviceMemory * gib)
          : c.device().equals("gpu") ? 80 * gib : physicalMemory();
      MemoryPlan p = new MemoryPlan(shape, c.microBatch(), c.maxLen(), dev);
      if (json) w.println(Json.PRETTY.writeValueAsString(p.toJson((long) (gpuMemory * gib))));
      else w.print(p.report(c.device(), (long) (gpuMemory * gib)));
      w.flush();
      return 0;
    }
    if (data == null) throw new UserException("--data is required");
    if (out == null) throw new UserException("--out is required");
    Trainer.Result r = FineTune.run(c, Path.of(model), data, out, force, resume);
    w.printf("%s %d of %d steps, last loss %.4f -> %s%n", r.finished() ? "trained" : "stopped after", r.stepsDone(), r.totalSteps(), r.lastLoss(),
        r.finished() ? out.resolve("final") : out);
    w.flush();
    return 0;
  }

  private static long physicalMemory() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize();
    return Runtime.getRuntime().maxMemory();
  }
}
