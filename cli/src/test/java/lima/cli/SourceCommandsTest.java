package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wikihow, reddit and natural-instructions commands as a user runs them. */
class SourceCommandsTest {
  @TempDir Path tmp;

  static final Path SAMPLES = Path.of(System.getProperty("lima.root", "..")).resolve("data/samples");

  static LimaRun lima(String... args) {
    return LimaRun.of(args);
  }

  @Test
  void wikihowRunsAndCronModeSkipsUnchangedInputs() {
    String o = tmp.resolve("wh").toString();
    String in = SAMPLES.resolve("wikihow/articles.jsonl").toString();
    LimaRun a = lima("curate", "wikihow", in, "--count", "3", "--out", o, "--if-changed");
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().startsWith("kept 3 of 6 articles (stratified by category) -> "), a.out());
    LimaRun b = lima("curate", "wikihow", in, "--count", "3", "--out", o, "--if-changed");
    assertEquals(0, b.code(), b.err());
    assertTrue(b.out().startsWith("up to date"), b.out());
    LimaRun c = lima("curate", "wikihow", in, "--count", "3", "--out", o);
    assertEquals(ExitCodes.USAGE, c.code());
    assertTrue(c.err().contains("--out is not empty"), c.err());
  }

  @Test
  void wrongHeaderIsAOneLineErrorWithADataExitCode() throws Exception {
    Path wrong = Files.writeString(tmp.resolve("wrong.csv"), "name,body\nx,y\n");
    LimaRun r = lima("curate", "wikihow", wrong.toString(), "--out", tmp.resolve("o").toString());
    assertEquals(ExitCodes.DATA, r.code());
    assertTrue(r.err().contains("lima wikihow: no wikiHow article could be read"), r.err());
  }

  @Test
  void aSourceShortOfItsCountSaysSoAndExitsPartial() {
    LimaRun wh = lima("curate", "wikihow", SAMPLES.resolve("wikihow/articles.jsonl").toString(), "--count", "1000", "--out", tmp.resolve("wh").toString());
    assertEquals(ExitCodes.PARTIAL, wh.code(), wh.err());
    assertTrue(wh.err().strip().matches("warning: partial result: asked for 1000 articles, only \\d+ eligible \\(exit code 4\\)"), wh.err());
    assertEquals(1, wh.err().strip().lines().count(), wh.err());
    LimaRun ni = lima("curate", "natural-instructions", SAMPLES.resolve("natural-instructions").toString(), "--count", "50", "--out", tmp.resolve("ni").toString());
    assertEquals(ExitCodes.PARTIAL, ni.code(), ni.err());
    assertTrue(ni.err().contains("asked for 50 tasks, only 4 eligible"), ni.err());
    LimaRun all = lima("curate", "natural-instructions", SAMPLES.resolve("natural-instructions").toString(), "--out", tmp.resolve("ni-all").toString());
    assertEquals(ExitCodes.OK, all.code(), "no --count: every eligible task, nothing asked for is missing: " + all.err());
  }

  @Test
  void aNegativeCountIsRefusedInOneLine() {
    for (String[] cmd :
        new String[][] {
          {"curate", "wikihow", SAMPLES.resolve("wikihow/articles.jsonl").toString()},
          {"curate", "natural-instructions", SAMPLES.resolve("natural-instructions").toString()},
          {"curate", "reddit", SAMPLES.resolve("reddit/RS_2024-01_sample.zst").toString(), "--subreddit", "AskReddit", "--prompts-only"}
        }) {
      String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 4);
      args[cmd.length] = "--count";
      args[cmd.length + 1] = "-3";
      args[cmd.length + 2] = "--out";
      args[cmd.length + 3] = tmp.resolve("neg-" + cmd[1]).toString();
      LimaRun r = lima(args);
      assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", cmd) + ": " + r.err());
      assertTrue(r.err().contains("--count must be >= "), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }

  @Test
  void redditBothModes() {
    String rs = SAMPLES.resolve("reddit/RS_2024-01_sample.zst").toString();
    String rc = SAMPLES.resolve("reddit/RC_2024-01_sample.zst").toString();
    LimaRun wp = lima("curate", "reddit", rs, rc, "--subreddit", "WritingPrompts", "--out", tmp.resolve("wp").toString());
    // the default --count is 150; the sample holds 4 pairs: a partial result, said in one warning line
    assertEquals(ExitCodes.PARTIAL, wp.code(), wp.err());
    assertEquals("warning: partial result: asked for 150 pairs, found 4 (exit code 4)", wp.err().strip());
    assertTrue(wp.out().startsWith("kept 4 pairs from 20 submissions and 12 comments"), wp.out());
    LimaRun again = lima("curate", "reddit", rs, rc, "--subreddit", "WritingPrompts", "--out", tmp.resolve("wp").toString(), "--if-changed");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().startsWith("up to date"), again.out());
    LimaRun ar = lima("curate", "reddit", rs, "--subreddit", "AskReddit", "--prompts-only", "--count", "3", "--out", tmp.resolve("ar").toString());
    assertEquals(0, ar.code(), ar.err());
    assertTrue(ar.out().startsWith("kept 3 prompts"), ar.out());
    LimaRun noComments = lima("curate", "reddit", rs, "--subreddit", "WritingPrompts", "--out", tmp.resolve("x").toString());
    assertEquals(ExitCodes.USAGE, noComments.code());
    assertTrue(noComments.err().contains("no comments file"), noComments.err());
  }

  @Test
  void naturalInstructions() {
    LimaRun r = lima("curate", "natural-instructions", SAMPLES.resolve("natural-instructions").toString(), "--count", "2", "--threads", "3", "--out", tmp.resolve("ni").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("kept 2 of 4 eligible tasks (6 tasks read)"), r.out());
    LimaRun again = lima("curate", "natural-instructions", SAMPLES.resolve("natural-instructions").toString(), "--count", "2", "--threads", "1", "--out", tmp.resolve("ni").toString(), "--if-changed");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().startsWith("up to date"), "--threads is not part of the configuration: " + again.out());
  }
}
