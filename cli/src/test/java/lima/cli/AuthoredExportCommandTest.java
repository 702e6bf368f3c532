package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The authored and export commands as users run them. */
class AuthoredExportCommandTest {
  @TempDir Path tmp;

  static LimaRun run(String... args) {
    return LimaRun.of(args);
  }

  @Test
  void authoredThenExport() throws Exception {
    Path md = tmp.resolve("a.md");
    Files.writeString(md, "# example: one\n## User\nHi?\n## Assistant\nHello.\n\n# example: two\n## User\nq\n## Assistant\n{{answer}}\n");
    Path out = tmp.resolve("run");
    LimaRun r = run("curate", "authored", md.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("kept 1 of 2 authored examples (1 invalid)"), r.out());
    assertTrue(Files.readString(out.resolve("rejects.jsonl")).contains("template_marker"));

    LimaRun again = run("curate", "authored", md.toString(), "--out", out.toString(), "--if-changed");
    assertEquals(0, again.code());
    assertTrue(again.out().startsWith("up to date"), again.out());

    Path exported = tmp.resolve("x.jsonl");
    LimaRun e = run("export", out.resolve("examples.jsonl").toString(), "--format", "ShareGPT", "--out", exported.toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().startsWith("exported 1 of 1 examples as sharegpt"), e.out());
    assertEquals("{\"id\":\"one\",\"conversations\":[{\"from\":\"human\",\"value\":\"Hi?\"},{\"from\":\"gpt\",\"value\":\"Hello.\"}]}\n", Files.readString(exported));

    LimaRun stdout = run("export", out.resolve("examples.jsonl").toString(), "-f", "alpaca");
    assertEquals("{\"instruction\":\"Hi?\",\"input\":\"\",\"output\":\"Hello.\"}", stdout.out().strip());
    assertTrue(stdout.err().startsWith("exported 1 of 1"), "summary on stderr when data goes to stdout: " + stdout.err());
  }

  @Test
  void usageErrorsAreOneLine() throws Exception {
    LimaRun r = run("export", tmp.resolve("missing.jsonl").toString(), "--format", "openai");
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    Path f = tmp.resolve("in.jsonl");
    Files.writeString(f, "{\"conversations\":[\"q\",\"a\"]}\n");
    LimaRun alpacaSystem = run("export", f.toString(), "--format", "alpaca", "--system", "x");
    assertEquals(ExitCodes.USAGE, alpacaSystem.code());
    assertTrue(alpacaSystem.err().contains("no system message"), alpacaSystem.err());
    LimaRun badFormat = run("export", f.toString(), "--format", "xml");
    assertEquals(ExitCodes.USAGE, badFormat.code());
  }
}
