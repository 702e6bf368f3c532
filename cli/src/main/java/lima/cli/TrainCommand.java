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
import lima.train.fit.TrainSetting;
import lima.train.fit.Trainer;
import lima.train.fsdp.FsdpEngine;
import lima.train.fsdp.FsdpPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lima train}: full fine-tuning with the LIMA recipe, resumable; {@code --plan} for memory. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    modelTransformer = TrainCommand.SettingOptions.class,
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

  @Option(names = "--gpu-tflops", paramLabel = "X", defaultValue = "312", description = "With --plan --engine fsdp: peak dense bf16 TFLOP/s of one GPU for the hours estimate (default ${DEFAULT-VALUE}, an A100).")
  double gpuTflops;

  @Option(names = "--mfu", paramLabel = "X", defaultValue = "0.4", description = "With --plan --engine fsdp: model FLOPs utilisation the hours are estimated at (default ${DEFAULT-VALUE}).")
  double mfu;

  @Option(names = "--print-launch", description = "With --engine fsdp: prepare OUT (run spec, worker) and print the torchrun command line of every node, for SLURM or another scheduler; starts nothing.")
  boolean printLaunch;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The training settings given as flags (key -> typed value); the rest come from --config or the defaults. */
  Map<String, Object> flags() {
    Map<String, Object> m = new LinkedHashMap<>();
    CommandLine.ParseResult pr = spec.commandLine().getParseResult();
    for (TrainSetting s : TrainSetting.values()) if (pr.hasMatchedOption(s.flag())) m.put(s.key, pr.matchedOptionValue(s.flag(), null));
    return m;
  }

  /** Adds one option per {@link TrainSetting} (its flag, type and help), after the annotated ones. */
  public static final class SettingOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
      for (TrainSetting s : TrainSetting.values()) {
        var b = CommandLine.Model.OptionSpec.builder(s.flag())
            .type(s.type.javaType)
            .paramLabel(s.type == TrainSetting.Type.STRING ? "NAME" : s.type == TrainSetting.Type.DOUBLE ? "X" : "N")
            .description(s.help + " (default " + s.defaultText() + ")");
        if (s.type == TrainSetting.Type.BOOLEAN) b.arity("0");
        if (s.choices != null && s.choices.contains("on")) b.arity("0..1").fallbackValue("on"); // --activation-checkpointing alone means on
        spec.addOption(b.build());
      }
      return spec;
    }
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
      if (c.engine().equals("fsdp")) {
        long examples = FsdpPlan.LIMA_EXAMPLES, tokens = FsdpPlan.LIMA_TOKENS;
        if (data != null && Files.isRegularFile(data.resolve("dataset.json"))) {
          var d = Json.MAPPER.readTree(data.resolve("dataset.json").toFile());
          examples = d.path("examples").asLong(examples);
          tokens = d.path("tokens").asLong(tokens);
        }
        boolean bf16 = !(spec.commandLine().getParseResult().hasMatchedOption("--dtype") && c.dtype().equals("fp32"));
        int perNode = spec.commandLine().getParseResult().hasMatchedOption("--nproc-per-node") ? c.nprocPerNode() : 8;
        FsdpPlan p = new FsdpPlan(shape, c.microBatch(), c.maxLen(), bf16, (long) (gpuMemory * gib), perNode, tokens, examples, c.epochs(), gpuTflops * 1e12, mfu);
        if (json) w.println(Json.PRETTY.writeValueAsString(p.toJson()));
        else w.print(p.report());
        w.flush();
        return 0;
      }
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
    if (printLaunch && !c.engine().equals("fsdp")) throw new UserException("--print-launch needs --engine fsdp");
    Trainer.Result r = c.engine().equals("fsdp") ? FsdpEngine.run(c, Path.of(model), data, out, force, resume, printLaunch, w)
        : FineTune.run(c, Path.of(model), data, out, force, resume);
    if (printLaunch) return 0;
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
