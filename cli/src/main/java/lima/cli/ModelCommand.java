package lima.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lima.core.Json;
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
    subcommands = {ModelCommand.Info.class, CommandLine.HelpCommand.class})
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
}
