package lima.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lima curate}: the source readers and dataset stages. */
@Command(
    name = "curate",
    mixinStandardHelpOptions = true,
    description = "Build LIMA-style examples from raw public dumps.",
    subcommands = {
      StackExchangeCommand.class,
      AuthoredCommand.class,
      WikiHowCommand.class,
      RedditCommand.class,
      NaturalInstructionsCommand.class,
      DedupCommand.class,
      MixCommand.class,
      DiversityCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class CurateCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a curate command is required (see lima curate --help)");
  }
}
