package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lima curate stackexchange` as users see it: exit codes, the summary line, one-line errors. */
class StackExchangeCommandTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  static Outcome lima(String... args) {
    var cl = LimaCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  static Path samples() {
    // lima.root is set by the build; a run from inside a module falls back to the working folder's parents.
    String root = System.getProperty("lima.root");
    for (String base : new String[] {root, ".", ".."}) {
      if (base == null) continue;
      Path p = Path.of(base).resolve("data/samples/stackexchange");
      if (java.nio.file.Files.isDirectory(p)) return p;
    }
    throw new IllegalStateException("data/samples/stackexchange not found (lima.root=" + root + ")");
  }

  @Test
  void curatesTheSamplesAndPrintsOneSummaryLine() {
    Path out = tmp.resolve("run");
    Outcome o = lima("curate", "stackexchange", samples().toString(), "--out", out.toString(), "--threads", "2");
    assertEquals(ExitCodes.OK, o.code(), o.err());
    assertTrue(o.out().startsWith("kept 5 of 12 pairs"), o.out());
    assertEquals(1, o.out().strip().lines().count());
    assertTrue(Files.exists(out.resolve("examples.jsonl")));
    Outcome again = lima("curate", "stackexchange", samples().toString(), "--out", out.toString(), "--if-changed");
    assertEquals(ExitCodes.OK, again.code(), again.err());
    assertTrue(again.out().startsWith("up to date"), again.out());
  }

  @Test
  void missingDumpIsAUsageErrorOnOneLine() {
    Outcome o = lima("curate", "stackexchange", tmp.resolve("nope.7z").toString(), "--out", tmp.resolve("o").toString());
    assertEquals(ExitCodes.USAGE, o.code());
    assertEquals(1, o.err().strip().lines().count(), o.err());
    assertTrue(o.err().contains("nope.7z: no such file"), o.err());
  }

  @Test
  void badOptionValuesAreUsageErrors() {
    Outcome o = lima("curate", "stackexchange", samples().toString(), "--out", tmp.resolve("o").toString(), "--title-fraction", "2");
    assertEquals(ExitCodes.USAGE, o.code());
    assertTrue(o.err().contains("--title-fraction"), o.err());
    Outcome f = lima("curate", "stackexchange", samples().toString(), "--out", tmp.resolve("o2").toString(), "--no-filter", "spelling");
    assertEquals(ExitCodes.USAGE, f.code());
    assertTrue(f.err().contains("unknown filter \"spelling\""), f.err());
  }

  @Test
  void tooManyBadRowsIsADataErrorNamingFileAndRow() {
    Outcome o =
        lima("curate", "stackexchange", samples().resolve("coffee.stackexchange.com.7z").toString(), "--out", tmp.resolve("o").toString(), "--max-errors", "0");
    assertEquals(ExitCodes.DATA, o.code());
    assertTrue(o.err().contains("coffee.stackexchange.com.7z:Posts.xml:11: bad Score \"lots\""), o.err());
  }

  @Test
  void corruptArchiveIsADataError() throws Exception {
    Path junk = tmp.resolve("junk.stackexchange.com.7z");
    Files.write(junk, "7z? no, just text that is long enough to look like something".getBytes());
    Outcome o = lima("curate", "stackexchange", junk.toString(), "--out", tmp.resolve("o").toString());
    assertEquals(ExitCodes.DATA, o.code());
    assertTrue(o.err().contains("junk.stackexchange.com.7z"), o.err());
    assertEquals(1, o.err().strip().lines().count(), o.err());
  }
}
