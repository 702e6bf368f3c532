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

class CliBasicsTest {
  @TempDir Path tmp;

  static LimaRun run(String... args) {
    return LimaRun.of(args);
  }

  @Test
  void versionNamesVersionAndCommit() {
    LimaRun r = run("--version");
    assertEquals(0, r.code());
    assertTrue(r.out().matches("(?s)lima \\S+ \\(commit \\S+\\).*"), r.out());
  }

  @Test
  void helpListsEveryCommandAndEachHasHelp() {
    LimaRun r = run("--help");
    assertEquals(0, r.code());
    CommandLine cl = LimaCommand.commandLine();
    for (String name : cl.getSubcommands().keySet()) {
      assertTrue(r.out().contains(name), "--help lists " + name);
      if (name.equals("help")) continue;
      LimaRun sub = run(name, "--help");
      assertEquals(0, sub.code(), name + " --help");
      assertTrue(sub.out().startsWith("Usage: lima " + name), sub.out());
    }
  }

  @Test
  void everySubcommandPrintsTheVersion() {
    LimaRun top = run("--version");
    for (String[] args : new String[][] {{"stats", "-V"}, {"curate", "wikihow", "--version"}, {"eval", "report", "-V"}}) {
      LimaRun r = run(args);
      assertEquals(0, r.code(), String.join(" ", args));
      assertEquals(top.out(), r.out(), String.join(" ", args));
    }
  }

  @Test
  void badOptionIsShortAndPointsToHelp() {
    LimaRun r = run("stats", "--bogus", "x.jsonl");
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().startsWith("lima stats: Unknown option: '--bogus'"), r.err());
    assertTrue(r.err().contains("(see 'lima stats --help')"), r.err());
    assertFalse(r.err().contains("Usage:"), "no full usage dump: " + r.err());
  }

  @Test
  void missingFileIsOneLineAndExit2() {
    LimaRun r = run("stats", tmp.resolve("nope.jsonl").toString());
    assertEquals(ExitCodes.USAGE, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("nope.jsonl: no such file"), r.err());
  }

  @Test
  void malformedLineNamesFileAndLineWithoutStackTrace() throws Exception {
    Path f = tmp.resolve("bad.jsonl");
    Files.writeString(f, "{\"conversations\":[\"a\",\"b\"],\"source\":\"x\"}\n{broken\n");
    LimaRun r = run("stats", f.toString());
    assertEquals(ExitCodes.DATA, r.code());
    assertTrue(r.err().contains(f + ":2: not valid JSON"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --stacktrace");
    LimaRun traced = run("--stacktrace", "stats", f.toString());
    assertTrue(traced.err().contains("\tat "), "stack trace with --stacktrace");
  }

  @Test
  void statsPrintsPerSourceAverages() throws Exception {
    Path f = tmp.resolve("ok.jsonl");
    Files.writeString(
        f,
        "{\"conversations\":[\"one two\",\"three four five\"],\"source\":\"a\"}\n"
            + "{\"conversations\":[\"x\",\"y\"],\"source\":\"a\"}\n");
    LimaRun r = run("stats", "--json", f.toString());
    assertEquals(0, r.code(), r.err());
    var json = lima.core.Json.MAPPER.readTree(r.out());
    assertEquals(2, json.at("/sources/a/count").asInt());
    assertEquals(1.5, json.at("/sources/a/avg_input_words").asDouble(), 1e-9);
    assertEquals(2.0, json.at("/sources/a/avg_output_words").asDouble(), 1e-9);
    assertEquals(4.0, json.at("/sources/a/avg_input_chars").asDouble(), 1e-9);
  }
}
