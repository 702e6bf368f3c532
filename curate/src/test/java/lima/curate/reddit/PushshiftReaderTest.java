package lima.curate.reddit;

import static org.junit.jupiter.api.Assertions.*;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushshiftReaderTest {
  @TempDir Path tmp;

  static final String SUB = "{\"id\":\"abc\",\"subreddit\":\"WritingPrompts\",\"title\":\"[WP] x\",\"selftext\":\"\",\"score\":12,\"over_18\":false,\"media_embed\":{\"a\":[1,{\"b\":2}]},\"author\":\"me\"}";
  static final String COM = "{\"body\":\"Once upon a time \\u00e9\",\"link_id\":\"t3_abc\",\"parent_id\":\"t3_abc\",\"id\":\"c1\",\"score\":3,\"stickied\":true,\"distinguished\":null}";

  static byte[] zstd(String text, int windowLog) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (ZstdOutputStream z = new ZstdOutputStream(bo, 3)) {
      z.setLong(windowLog);
      z.setWindowLog(windowLog);
      z.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bo.toByteArray();
  }

  record Read(List<RedditThing> things, List<String> bad, PushshiftReader.FileResult result) {}

  Read read(Path f) throws IOException {
    List<RedditThing> things = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    var r = PushshiftReader.read(f, things::add, (w, why, x) -> bad.add(w + ": " + why), n -> {});
    return new Read(things, bad, r);
  }

  @Test
  void readsLongWindowZstdAndSkipsNestedFields() throws IOException {
    Path f = tmp.resolve("RS_2024-01.zst");
    Files.write(f, zstd(SUB + "\n" + COM + "\n", 31));
    Read r = read(f);
    assertEquals(List.of(), r.bad());
    assertEquals(2, r.things().size());
    RedditThing s = r.things().get(0), c = r.things().get(1);
    assertEquals(RedditThing.Kind.SUBMISSION, s.kind());
    assertEquals("abc", s.id());
    assertEquals(12, s.score());
    assertEquals("me", s.author());
    assertEquals(RedditThing.Kind.COMMENT, c.kind());
    assertEquals("Once upon a time \u00e9", c.body());
    assertTrue(c.stickied());
    assertNull(c.distinguished());
    assertEquals(PushshiftReader.FileKind.SUBMISSIONS, PushshiftReader.kindOf(f));
    assertEquals(PushshiftReader.FileKind.COMMENTS, PushshiftReader.kindOf(Path.of("WritingPrompts_comments.zst")));
    assertEquals(PushshiftReader.FileKind.UNKNOWN, PushshiftReader.kindOf(Path.of("lines.ndjson")));
  }

  @Test
  void brokenJsonLinesAreNamedAndSkipped() throws IOException {
    Path f = tmp.resolve("mixed.ndjson");
    Files.writeString(f, SUB + "\n{\"id\": \"x\", broken\n\n{\"id\":\"no-kind\"}\n" + COM); // last line without newline
    Read r = read(f);
    assertEquals(2, r.things().size());
    assertEquals(2, r.bad().size(), r.bad().toString());
    assertTrue(r.bad().get(0).startsWith(f + ":2: broken JSON line"), r.bad().get(0));
    assertTrue(r.bad().get(1).startsWith(f + ":4: not a Reddit submission or comment"), r.bad().get(1));
    assertEquals(5, r.result().lines());
  }

  @Test
  void truncatedZstdStopsTheFileKeepingWhatWasRead() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 3000; i++) sb.append(SUB.replace("abc", "id" + i)).append('\n');
    byte[] z = zstd(sb.toString(), 27);
    Path f = tmp.resolve("RS_trunc.zst");
    Files.write(f, Arrays.copyOf(z, z.length / 2));
    Read r = read(f);
    assertTrue(r.result().stopped());
    assertTrue(r.things().size() > 0 && r.things().size() < 3000, "kept " + r.things().size());
    assertEquals(1, r.bad().stream().filter(b -> b.contains("corrupt or truncated zstd stream")).count(), r.bad().toString());
    assertTrue(r.bad().get(r.bad().size() - 1).startsWith(f + ":"), r.bad().toString());
  }

  @Test
  void corruptFrameIsANamedError() throws IOException {
    byte[] z = zstd(SUB + "\n" + COM + "\n", 27);
    byte[] bad = z.clone();
    for (int i = 12; i < bad.length - 4; i++) bad[i] ^= 0x5a;
    Path f = tmp.resolve("RC_corrupt.zst");
    Files.write(f, bad);
    Read r = read(f);
    assertTrue(r.result().stopped());
    assertTrue(r.bad().stream().anyMatch(b -> b.startsWith(f + ":1: corrupt or truncated zstd stream")), r.bad().toString());
    Path notZstd = tmp.resolve("RS_plain_text.zst");
    Files.writeString(notZstd, "this is not zstd at all\n");
    Read r2 = read(notZstd);
    assertEquals(0, r2.things().size());
    assertTrue(r2.bad().get(0).contains("corrupt or truncated zstd stream"), r2.bad().toString());
  }

  @Test
  void fileOfTheWrongKindIsSkippedAfterAFewLines() throws IOException {
    Path f = tmp.resolve("RS_wrong.ndjson");
    StringBuilder sb = new StringBuilder("headline,title,text\n");
    for (int i = 0; i < 1000; i++) sb.append("row ").append(i).append(",a,b\n");
    Files.writeString(f, sb.toString());
    Read r = read(f);
    assertTrue(r.result().stopped());
    assertEquals(PushshiftReader.WRONG_KIND_AFTER + 1, r.bad().size(), "a few lines, then one file-level error, not 1000 lines of noise");
    assertTrue(r.bad().get(r.bad().size() - 1).contains("not Pushshift NDJSON"), r.bad().toString());
  }

  @Test
  void longLinesGrowTheBuffer() throws IOException {
    String big = "x".repeat(3 << 20);
    Path f = tmp.resolve("RC_big.ndjson");
    try (OutputStream o = Files.newOutputStream(f)) {
      o.write(COM.replace("Once upon a time \\u00e9", big).getBytes(StandardCharsets.UTF_8));
      o.write('\n');
    }
    Read r = read(f);
    assertEquals(1, r.things().size());
    assertEquals(big.length(), r.things().get(0).body().length());
  }

  @Test
  void subredditPrefilterMatchesCaseInsensitivelyAgainstANaiveSearch() {
    long seed = 2024;
    System.out.println("prefilter seed " + seed);
    var r = new java.util.SplittableRandom(seed);
    byte[] pat = "writingprompts".getBytes(StandardCharsets.US_ASCII);
    String alphabet = "wWrRiItTnNgGpPoOmMsS\"{}:, ";
    for (int t = 0; t < 2000; t++) {
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(60);
      for (int i = 0; i < len; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      if (r.nextInt(4) == 0) sb.insert(r.nextInt(sb.length() + 1), r.nextBoolean() ? "WritingPrompts" : "wRITINGpROMPTS");
      byte[] line = sb.toString().getBytes(StandardCharsets.US_ASCII);
      boolean naive = sb.toString().toLowerCase(java.util.Locale.ROOT).contains("writingprompts");
      assertEquals(naive, PushshiftReader.contains(line, 0, line.length, pat), sb.toString());
    }
  }
}
