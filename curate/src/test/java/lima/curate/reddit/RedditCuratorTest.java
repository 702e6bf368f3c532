package lima.curate.reddit;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedditCuratorTest {
  @TempDir Path tmp;

  static Path samples() {
    return Path.of(System.getProperty("lima.root", "..")).resolve("data/samples/reddit");
  }

  static final Path RS = samples().resolve("RS_2024-01_sample.zst");
  static final Path RC = samples().resolve("RC_2024-01_sample.zst");

  static RedditCurator.Config wp(int count, int factor) {
    var d = RedditCurator.Config.writingPrompts("WritingPrompts");
    return new RedditCurator.Config("WritingPrompts", false, count, factor, d.minPromptChars(), d.maxPromptChars(), d.minStoryChars(), d.maxStoryChars(), d.minCommentScore(), null);
  }

  List<Example> run(RedditCurator.Config c, String out, Path... files) throws Exception {
    RedditCurator.run(c, List.of(files), new RunDir.Options(tmp.resolve(out), false, 42, -1), false);
    return ExampleReader.readAll(tmp.resolve(out).resolve(RunDir.EXAMPLES));
  }

  @Test
  void pairsTheMostUpvotedPromptsWithTheirBestTopLevelStory() throws Exception {
    List<Example> ex = run(wp(150, 4), "o", RS, RC);
    assertEquals(List.of("writingprompts/wp1001", "writingprompts/wp1002", "writingprompts/wp1003", "writingprompts/wp1006"), ex.stream().map(Example::id).toList());
    // the reply (t1_ parent, higher score), the [removed] comment and AutoModerator's sticky are not the story
    assertEquals("c1001b", ex.get(0).meta().get("comment_id"));
    // the short comment with the higher score loses to the story within the length bounds
    assertEquals("c1002a", ex.get(1).meta().get("comment_id"));
    // tags stripped, HTML entities decoded; [deleted] author's equal-score copy not chosen
    assertEquals("Aliens land on Earth, but they are only interested in our grandmothers' soup recipes & nothing else.", ex.get(2).prompt());
    assertEquals(List.of("EU", "WP"), ex.get(2).meta().get("tags"));
    assertEquals("c1003a", ex.get(2).meta().get("comment_id"));
    for (Example e : ex) {
      assertEquals("writingprompts", e.source());
      assertFalse(e.prompt().startsWith("["), e.prompt());
      assertTrue(e.response().length() >= 300);
    }
    String rejects = Files.readString(tmp.resolve("o/rejects.jsonl"));
    for (String reason : List.of("\"not_a_prompt\"", "\"nsfw\"", "\"deleted\"", "\"no_story\"")) assertTrue(rejects.contains(reason), reason + " in " + rejects);
  }

  @Test
  void candidateSetIsBounded() throws Exception {
    // count 4, factor 1: pass 1 keeps the 4 best eligible submissions; wp1007 has no story, and wp1006
    // (score 120) was never a candidate, so only 3 pairs come out
    assertEquals(3, run(wp(4, 1), "a", RS, RC).size());
    // factor 2 keeps 8 candidates: wp1006 is found
    assertEquals(4, run(wp(4, 2), "b", RS, RC).size());
    assertEquals(List.of("writingprompts/wp1001"), run(wp(1, 1), "c", RS, RC).stream().map(Example::id).toList());
  }

  @Test
  void outputDoesNotDependOnInputOrder() throws Exception {
    Path src = samples().resolve("src");
    List<String> s = new ArrayList<>(Files.readAllLines(src.resolve("RS_2024-01_sample.ndjson")));
    List<String> c = new ArrayList<>(Files.readAllLines(src.resolve("RC_2024-01_sample.ndjson")));
    Collections.reverse(s);
    Collections.reverse(c);
    Path rs = Files.write(tmp.resolve("RS_rev.ndjson"), s);
    Path rc = Files.write(tmp.resolve("RC_rev.ndjson"), c);
    run(wp(150, 4), "fwd", RS, RC);
    run(wp(150, 4), "rev", rs, rc);
    assertArrayEquals(Files.readAllBytes(tmp.resolve("fwd/examples.jsonl")), Files.readAllBytes(tmp.resolve("rev/examples.jsonl")));
  }

  @Test
  void promptsOnlyKeepsSelfContainedTitleOnlyQuestions() throws Exception {
    List<Example> ex = run(RedditCurator.Config.testPrompts("AskReddit"), "t", RS);
    assertEquals(7, ex.size());
    for (Example e : ex) {
      assertEquals(1, e.conversations().size(), "a test prompt has no response");
      assertEquals("askreddit", e.source());
      assertTrue(e.prompt().endsWith("?"));
    }
    assertEquals("Doctors of Reddit, what symptom do people ignore that they really shouldn't?", ex.get(2).prompt());
    String rejects = Files.readString(tmp.resolve("t/rejects.jsonl"));
    for (String reason : List.of("depends_on_context", "has_body", "not_a_question", "removed")) assertTrue(rejects.contains(reason), reason);
  }

  @Test
  void brokenFilesAreCountedAndTheRunGoesOn() throws Exception {
    Path corrupt = Files.write(tmp.resolve("RC_2024-02.zst"), new byte[] {40, -75, 47, -3, 1, 2, 3, 4, 5, 6, 7});
    List<Example> ex = run(wp(150, 4), "o", RS, RC, corrupt);
    assertEquals(4, ex.size());
    String rejects = Files.readString(tmp.resolve("o/rejects.jsonl"));
    assertTrue(rejects.contains("RC_2024-02.zst:1") && rejects.contains("corrupt or truncated zstd"), rejects);
  }
}
