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
    description = "Inspect Hugging Face LLaMA model folders.",
    subcommands = {ModelCommand.Info.class, ModelCommand.AddEotCommand.class, CommandLine.HelpCommand.class})
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
}
