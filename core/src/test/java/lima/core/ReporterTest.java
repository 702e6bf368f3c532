package lima.core;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library code reports through the installed {@link Reporter}, never straight to stderr. */
class ReporterTest {
  @TempDir Path tmp;

  /** Collects what the library reports. */
  static final class Collect implements Reporter {
    final List<String> warnings = new ArrayList<>();
    final List<String> progress = new ArrayList<>();

    @Override
    public void warn(String message) {
      warnings.add(message);
    }

    @Override
    public void progress(String line, boolean last) {
      progress.add(line);
    }
  }

  @Test
  void badRecordsAreWarnedThroughTheReporterTheFirstTwentyThenOnce() throws Exception {
    Collect c = new Collect();
    Reporter old = Reporter.install(c);
    try (RunDir run = RunDir.open(new RunDir.Options(tmp.resolve("r"), false, 1, -1))) {
      for (int i = 1; i <= 25; i++) run.badRecord("a.jsonl:" + i, "malformed JSON", null);
    } finally {
      Reporter.install(old);
    }
    assertEquals(21, c.warnings.size(), c.warnings.toString());
    assertEquals("a.jsonl:1: malformed JSON", c.warnings.get(0));
    assertTrue(c.warnings.get(20).startsWith("more bad records; see "), c.warnings.get(20));
  }

  @Test
  void progressGoesThroughTheReporterOnlyWhenShown() {
    Collect c = new Collect();
    Reporter old = Reporter.install(c);
    String was = System.getProperty("lima.progress");
    try {
      System.setProperty("lima.progress", "log");
      try (Progress p = Progress.count("things", "items", 10)) {
        p.update(10, 10);
      }
      assertFalse(c.progress.isEmpty());
      assertTrue(c.progress.get(c.progress.size() - 1).startsWith("things: 10 / 10 items"), c.progress.toString());
      assertTrue(c.progress.get(c.progress.size() - 1).contains("done in"), c.progress.toString());
    } finally {
      if (was == null) System.clearProperty("lima.progress");
      else System.setProperty("lima.progress", was);
      Reporter.install(old);
    }
  }
}
