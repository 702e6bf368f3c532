package lima.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;
import lima.core.Reporter;

/**
 * The command line's {@link Reporter}: warnings as {@code warning: ...} lines on the command's stderr;
 * progress redrawn in place on a terminal ({@code -Dlima.tty=true}, set by the launcher), one plain line
 * each in a log ({@code -Dlima.progress=log}), nothing otherwise.
 */
final class ConsoleReporter implements Reporter {
  private final Supplier<PrintWriter> err;
  private final boolean tty = Boolean.getBoolean("lima.tty");
  private final boolean log = "log".equals(System.getProperty("lima.progress"));

  /** {@code err} is looked up at each line, so a test that swaps the command's stderr sees the lines. */
  ConsoleReporter(Supplier<PrintWriter> err) {
    this.err = err;
  }

  @Override
  public synchronized void warn(String message) {
    PrintWriter w = err.get();
    if (tty) w.print("\r\033[K");
    w.println("warning: " + message);
    w.flush();
  }

  @Override
  public synchronized void progress(String line, boolean last) {
    if (!tty && !log) return;
    PrintWriter w = err.get();
    if (tty) {
      w.print("\r\033[K" + line);
      if (last) w.println();
    } else {
      w.println(line);
    }
    w.flush();
  }

  @Override
  public boolean showsProgress() {
    return tty || log;
  }
}
