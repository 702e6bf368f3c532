package lima.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code lima ARGS...} in-process, as users see it, capturing stdout, stderr and the exit code. */
record LimaRun(int code, String out, String err) {

  /** The exit code under the name some tests use. */
  int rc() {
    return code;
  }

  static LimaRun of(String... args) {
    CommandLine cl = LimaCommand.commandLine();
    StringWriter out = new StringWriter(), err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new LimaRun(code, out.toString(), err.toString());
  }
}
