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
  void redditBothModes() {
    String rs = SAMPLES.resolve("reddit/RS_2024-01_sample.zst").toString();
    String rc = SAMPLES.resolve("reddit/RC_2024-01_sample.zst").toString();
    LimaRun wp = lima("curate", "reddit", rs, rc, "--subreddit", "WritingPrompts", "--out", tmp.resolve("wp").toString());
    assertEquals(0, wp.code(), wp.err());
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
