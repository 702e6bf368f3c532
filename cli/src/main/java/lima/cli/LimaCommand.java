package lima.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import lima.core.BadInputException;
import lima.core.BuildInfo;
import lima.core.ExitCodes;
import lima.core.Reporter;
import lima.core.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The top-level {@code lima} command: lists the subcommands, maps exceptions to exit codes. */
@Command(
    name = "lima",
    mixinStandardHelpOptions = true,
    versionProvider = LimaCommand.Version.class,
    description = "Less Is More for Alignment: curate, tokenize, train, generate and evaluate.",
    subcommands = {
      CurateCommand.class,
      StatsCommand.class,
      ExportCommand.class,
      EvalCommand.class,
      TokenizeCommand.class,
      TrainCommand.class,
      GenerateCommand.class,
      ModelCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class LimaCommand implements Runnable {

  @Option(names = "--stacktrace", scope = CommandLine.ScopeType.INHERIT, description = "Print the full stack trace of an error.")
  boolean stacktrace;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see lima --help)");
  }

  /** Version and git commit of the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "lima " + BuildInfo.version() + " (commit " + BuildInfo.commit() + ")",
        "Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
      };
    }
  }

  /** A fully configured command line: tests call this too, so they see what users see. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new LimaCommand());
    cl.setExecutionExceptionHandler(LimaCommand::handle);
    cl.setParameterExceptionHandler(LimaCommand::badCommandLine);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    Reporter.install(new ConsoleReporter(cl::getErr));
    return cl;
  }

  static boolean wantsStacktrace(CommandLine cl) {
    CommandLine c = cl;
    while (c.getParent() != null) c = c.getParent();
    Object o = c.getCommand();
    return (o instanceof LimaCommand l && l.stacktrace) || java.util.List.of(lima.core.Invocation.args().toArray()).contains("--stacktrace");
  }

  /** A bad option or parameter: the error in one line and where to read more, not the whole usage. */
  static int badCommandLine(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("lima " + cl.getCommandName() + ": " + ex.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("(see '" + cl.getCommandSpec().qualifiedName() + " --help')");
    err.flush();
    return ExitCodes.USAGE;
  }

  /** One line for the user, a stack trace only with --stacktrace. */
  static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    Throwable t = ex;
    if (t instanceof UncheckedIOException u && u.getCause() != null) t = u.getCause();
    int code;
    String msg;
    if (t instanceof UserException u) {
      code = u.exitCode();
      msg = u.getMessage();
    } else if (t instanceof BadInputException) {
      code = ExitCodes.DATA;
      msg = t.getMessage();
    } else if (t instanceof NoSuchFileException n) {
      code = ExitCodes.USAGE;
      msg = n.getFile() + ": no such file";
    } else if (t instanceof IllegalArgumentException) {
      // Our records and components validate their configuration with a message naming the bad value.
      code = ExitCodes.USAGE;
      msg = t.getMessage() == null ? t.toString() : t.getMessage();
    } else if (t instanceof java.io.IOException) {
      code = ExitCodes.DATA;
      msg = t.getMessage() == null ? t.toString() : t.getMessage();
    } else {
      code = ExitCodes.SOFTWARE;
      msg = t.toString();
    }
    err.println("lima " + cl.getCommandName() + ": " + msg);
    if (wantsStacktrace(cl)) t.printStackTrace(err);
    else if (code == ExitCodes.SOFTWARE) err.println("(run again with --stacktrace for details)");
    err.flush();
    return code;
  }
}
