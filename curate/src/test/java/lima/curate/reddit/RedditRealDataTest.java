package lima.curate.reddit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.ExampleReader;
import lima.core.RunDir;
import lima.core.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Pushshift reader on the real lines in ../shared/real/data/reddit, plain and recompressed with a 2^31 window. */
@Tag("real-data")
class RedditRealDataTest {
  @TempDir Path tmp;

  static Path need(String rel) {
    Path p = TestData.real(rel);
    assumeTrue(Files.exists(p), "skipped: " + p + " not present (real samples live in ../shared/real)");
    return p;
  }

  @Test
  void realSubmissionAndCommentLinesParse() throws Exception {
    Path rs = need("data/reddit/RS_2018-01_sample_lines.ndjson");
    Path rc = need("data/reddit/RC_2016-10_sample_lines.ndjson");
    Path rsz = tmp.resolve("RS_2018-01.zst");
    Files.write(rsz, PushshiftReaderTest.zstd(Files.readString(rs), 31));
    List<RedditThing> subs = new ArrayList<>(), coms = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    PushshiftReader.read(rsz, subs::add, (w, r, x) -> bad.add(w + r), n -> {});
    PushshiftReader.read(rc, coms::add, (w, r, x) -> bad.add(w + r), n -> {});
    assertEquals(List.of(), bad);
    assertEquals(List.of("7ueit9", "7ueitb"), subs.stream().map(RedditThing::id).toList());
    assertTrue(subs.stream().allMatch(t -> t.kind() == RedditThing.Kind.SUBMISSION));
    assertEquals("AskReddit", subs.get(0).subreddit());
    assertEquals(3, subs.get(0).score());
    assertEquals(4, coms.size());
    assertTrue(coms.stream().allMatch(t -> t.kind() == RedditThing.Kind.COMMENT && t.linkId().startsWith("t3_")));
    assertEquals("t1_d88yp3s", coms.get(0).parentId());
    assertTrue(subs.get(1).selftext().contains("Beißend"), "\\u escapes decoded");
  }

  @Test
  void realAskRedditLineIsATestPromptAndTheBotPostIsNot() throws Exception {
    Path rs = need("data/reddit/RS_2018-01_sample_lines.ndjson");
    Path copy = Files.copy(rs, tmp.resolve("RS_2018-01.ndjson"));
    RedditCurator.run(RedditCurator.Config.testPrompts("AskReddit"), List.of(copy), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false);
    var ex = ExampleReader.readAll(tmp.resolve("o/examples.jsonl"));
    assertEquals(1, ex.size());
    assertTrue(ex.get(0).prompt().startsWith("Redditors who have a chronic pain disorder"), ex.get(0).prompt());
    assertEquals("https://www.reddit.com/r/AskReddit/comments/7ueit9/redditors_who_have_a_chronic_pain/", ex.get(0).meta().get("url"));
  }
}
