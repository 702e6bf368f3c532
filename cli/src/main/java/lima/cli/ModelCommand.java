package lima.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lima.core.Json;
import lima.train.model.AddEot;
import lima.train.model.ModelInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima model}: inspect model folders. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Inspect, prepare and create Hugging Face LLaMA model folders.",
    subcommands = {ModelCommand.Info.class, ModelCommand.AddEotCommand.class, ModelCommand.Init.class, CommandLine.HelpCommand.class})
public final class ModelCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a model command is required (see lima model --help)");
  }

  /** {@code lima model info DIR}. */
  @Command(name = "info", mixinStandardHelpOptions = true, description = "Architecture, parameter count, dtype, tokenizer, special tokens and memory needed (weights are not loaded).")
  public static final class Info implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "Model folder (config.json, safetensors, tokenizer).")
    Path dir;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ModelInfo info = ModelInfo.of(dir);
      var out = spec.commandLine().getOut();
      if (json) out.println(Json.PRETTY.writeValueAsString(info.toJson()));
      else out.print(info.describe());
      out.flush();
      return 0;
    }
  }

  /** {@code lima model add-eot SRC --out DST}. */
  @Command(name = "add-eot", mixinStandardHelpOptions = true, description = "Copy a model folder with the end-of-turn token <|eot|> added to its tokenizer and vocabulary (new embedding rows = mean of the others), ready for LIMA fine-tuning.")
  public static final class AddEotCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SRC", description = "Base model folder.")
    Path src;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DST", description = "Folder to write (created).")
    Path out;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      AddEot.Result r = AddEot.run(src, out);
      var o = spec.commandLine().getOut();
      o.printf("<|eot|> = %d, vocab %d -> %d: %s%n", r.eotId(), r.oldVocab(), r.newVocab(), r.out());
      o.flush();
      return 0;
    }
  }

  /** {@code lima model init --out DIR}: a small random LLaMA with a character tokenizer. */
  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = {
        "Write a randomly initialised LLaMA (Hugging Face layout) with a character-level tokenizer.json that has <|eot|>.",
        "For demos, smoke tests and benchmarks of the pipeline without downloaded weights: its output is gibberish until trained."
      })
  public static final class Init implements Callable<Integer> {
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Folder to write (must not exist or be empty).")
    Path out;

    @Option(names = "--hidden", defaultValue = "64", description = "hidden_size (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", defaultValue = "2", description = "num_hidden_layers (default ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", defaultValue = "4", description = "num_attention_heads (default ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "2", description = "num_key_value_heads, for grouped-query attention (default ${DEFAULT-VALUE}).")
    int kvHeads;

    @Option(names = "--intermediate", defaultValue = "172", description = "intermediate_size of the SwiGLU MLP (default ${DEFAULT-VALUE}).")
    int intermediate;

    @Option(names = "--max-positions", defaultValue = "512", description = "max_position_embeddings (default ${DEFAULT-VALUE}).")
    int maxPositions;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random weights (default ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (java.nio.file.Files.isDirectory(out)) {
        try (var s = java.nio.file.Files.list(out)) {
          if (s.findAny().isPresent()) throw new lima.core.UserException(out + ": --out is not empty");
        }
      }
      if (heads <= 0 || hidden % heads != 0)
        throw new lima.core.UserException("--hidden " + hidden + " must be a positive multiple of --heads " + heads);
      var config =
          new lima.train.model.LlamaConfig(
              hidden, layers, heads, kvHeads, intermediate, 1e-5, 10000.0, true, 1, java.util.List.of(2), maxPositions,
              lima.train.model.TinyModel.CHAR_VOCAB, hidden / heads, "float32");
      lima.train.model.TinyModel.write(out, config, seed);
      var o = spec.commandLine().getOut();
      ModelInfo info = ModelInfo.of(out);
      String arch = info.describe().lines().filter(l -> l.startsWith("architecture:")).findFirst().orElse("").replaceFirst("architecture: *", "");
      o.printf("random %s -> %s%n", arch, out);
      o.flush();
      return 0;
    }
  }
}
