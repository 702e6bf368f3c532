package lima.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Supplier;
import lima.core.ExitCodes;
import lima.core.RunDir;
import lima.core.RunResult;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command that writes a run folder shares. */
public final class RunOptions {
  @Mixin OutFolderOptions folder;

  @Mixin RecordRunOptions records;

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--if-changed", description = "Cron mode: exit 0 without work when OUT holds a finished run with the same inputs and configuration; otherwise redo it (implies --force).")
  public boolean ifChanged;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
  public long seed;

  @Option(names = "--threads", defaultValue = "0", description = "Worker threads; 0 = one per core. Output does not depend on it.")
  public int threads;

  public int threads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  public Path out() {
    return folder.out;
  }

  public RunDir.Options toRunOptions() {
    return new RunDir.Options(folder.out, folder.force || ifChanged, seed, records.maxErrors);
  }

  /**
   * The end of every stage command: {@code up to date: OUT} under {@code --if-changed}, else the
   * command's one summary line; a shortfall adds one warning line on stderr and gives exit code
   * {@link ExitCodes#PARTIAL}. Printed on the streams of the command these options are mixed into.
   */
  public int report(RunResult r, Supplier<String> summary) {
    PrintWriter out = mixee.commandLine().getOut();
    if (r.upToDate()) {
      out.println("up to date: " + r.out());
      out.flush();
      return ExitCodes.OK;
    }
    out.println(summary.get());
    out.flush();
    if (r.shortfall() == null) return ExitCodes.OK;
    PrintWriter err = mixee.commandLine().getErr();
    err.println("warning: partial result: " + r.shortfall() + " (exit code " + ExitCodes.PARTIAL + ")");
    err.flush();
    return ExitCodes.PARTIAL;
  }
}
