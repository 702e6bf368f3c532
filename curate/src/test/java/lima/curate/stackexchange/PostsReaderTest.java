package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostsReaderTest {

  @Test
  void readsBomCrlfDoctypeAndOldStyleTags() throws Exception {
    String xml =
        "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!DOCTYPE posts SYSTEM 'posts.dtd'>\r\n<posts>\r\n"
            + "  <row Id=\"66\" PostTypeId=\"1\" Score=\"16\" Body=\"&lt;p&gt;Acid?&lt;/p&gt;&#xA;\" Title=\"What coffees are the least acidic?\" Tags=\"&lt;flavor&gt;&lt;bean-varieties&gt;\" AnswerCount=\"4\" />\r\n"
            + "  <row Id=\"71\" PostTypeId=\"2\" ParentId=\"66\" Score=\"7\" Body=\"&lt;p&gt;Brazil.&lt;/p&gt;\" />\r\n"
            + "</posts>\r\n";
    Read r = readAll(xml);
    assertEquals(List.of(), r.bad());
    assertEquals(2, r.posts().size());
    Post q = r.posts().get(0);
    assertEquals(66, q.id());
    assertTrue(q.isQuestion());
    assertEquals("<p>Acid?</p>\n", q.body());
    assertEquals(List.of("flavor", "bean-varieties"), q.tags());
    assertEquals(4, q.answerCount());
    assertEquals(4, q.line());
    Post a = r.posts().get(1);
    assertEquals(66, a.parentId());
    assertEquals(7, a.score());
    assertEquals(5, a.line());
  }

  @Test
  void readsPipeTagsAndLicense() throws Exception {
    Read r = readAll(doc("  <row Id=\"2195\" PostTypeId=\"1\" Score=\"3\" Title=\"T\" Tags=\"|support|deleted-questions|\" ContentLicense=\"CC BY-SA 3.0\" />"));
    assertEquals(List.of("support", "deleted-questions"), r.posts().get(0).tags());
    assertEquals("CC BY-SA 3.0", r.posts().get(0).license());
  }

  @Test
  void missingAttributesAreAbsentNotErrors() throws Exception {
    Read r = readAll(doc("  <row Id=\"5\" PostTypeId=\"1\" />"));
    assertEquals(List.of(), r.bad());
    Post p = r.posts().get(0);
    assertNull(p.title());
    assertNull(p.body());
    assertEquals(0, p.score());
    assertEquals(-1, p.answerCount());
    assertEquals(List.of(), p.tags());
    assertFalse(p.closed());
    assertNull(p.license());
  }

  @Test
  void otherPostTypesAreReturnedWithTheirType() throws Exception {
    Read r = readAll(doc("  <row Id=\"5\" PostTypeId=\"4\" Body=\"x\" />", "  <row Id=\"6\" PostTypeId=\"7\" />"));
    assertEquals(List.of(4, 7), r.posts().stream().map(Post::postTypeId).toList());
    assertFalse(r.posts().get(0).isQuestion() || r.posts().get(0).isAnswer());
  }

  @Test
  void flagsFromDates() throws Exception {
    Read r =
        readAll(doc("  <row Id=\"5\" PostTypeId=\"1\" ClosedDate=\"2019-01-01T00:00:00.000\" CommunityOwnedDate=\"2019-01-01T00:00:00.000\" LockedDate=\"2019-01-02T00:00:00.000\" />"));
    Post p = r.posts().get(0);
    assertTrue(p.closed());
    assertTrue(p.communityOwned());
    assertTrue(p.locked());
  }

  @Test
  void badIdOrScoreIsReportedWithLineAndReadingGoesOn() throws Exception {
    Read r =
        readAll(
            doc(
                "  <row Id=\"x1\" PostTypeId=\"1\" />",
                "  <row Id=\"2\" PostTypeId=\"2\" ParentId=\"1\" Score=\"lots\" />",
                "  <row PostTypeId=\"1\" />",
                "  <row Id=\"3\" PostTypeId=\"2\" />",
                "  <row Id=\"4\" PostTypeId=\"1\" Score=\"9\" />"));
    assertEquals(1, r.posts().size());
    assertEquals(4, r.posts().get(0).id());
    assertEquals(4, r.bad().size(), r.bad().toString());
    assertTrue(r.bad().get(0).startsWith("test.xml:3: bad Id \"x1\""), r.bad().get(0));
    assertTrue(r.bad().get(1).startsWith("test.xml:4: bad Score \"lots\""), r.bad().get(1));
    assertTrue(r.bad().get(2).contains("missing Id"), r.bad().get(2));
    assertTrue(r.bad().get(3).contains("has no ParentId"), r.bad().get(3));
  }

  @Test
  void invalidUtf8RowIsNamedAndDropped() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(doc().replace("</posts>\n", "").getBytes(StandardCharsets.UTF_8));
    b.writeBytes("  <row Id=\"1\" PostTypeId=\"1\" Title=\"caf".getBytes(StandardCharsets.UTF_8));
    b.write(0xC3); // a lead byte without its continuation
    b.writeBytes("\" />\n  <row Id=\"2\" PostTypeId=\"1\" Title=\"ok\" />\n</posts>\n".getBytes(StandardCharsets.UTF_8));
    Read r = readAll(b.toByteArray());
    assertEquals(List.of(2L), r.posts().stream().map(Post::id).toList());
    assertEquals(1, r.bad().size());
    assertTrue(r.bad().get(0).startsWith("test.xml:4: row Id=1 holds invalid UTF-8"), r.bad().get(0));
  }

  private static String row(long id) {
    return "  <row Id=\"" + id + "\" PostTypeId=\"1\" Score=\"1\" />";
  }

  private static List<Long> ids(Read r) {
    return r.posts().stream().map(Post::id).toList();
  }

  @Test
  void malformedRowMidFileIsReportedWithLineAndColumnAndReadingResumes() throws Exception {
    // Lines: 1 <?xml?>, 2 <posts>, 3 row 1, 4 row 2 (bad), 5 row 3, 6 row 4.
    String xml = doc(row(1), "  <row Id=\"2\" PostTypeId=\"1\" Body=\"a < b\" />", row(3), row(4));
    for (String text : List.of(xml, xml.replace("\n", "\r\n"))) {
      Read r = readAll(text);
      assertEquals(List.of(1L, 3L, 4L), ids(r));
      assertEquals(List.of(3L, 5L, 6L), r.posts().stream().map(Post::line).toList(), "line numbers stay the file's after a resync");
      assertEquals(1, r.bad().size(), r.bad().toString());
      String bad = r.bad().get(0);
      assertTrue(bad.startsWith("test.xml:4:38: "), bad);
      assertTrue(bad.contains("not well-formed XML, reading resumes at line 5"), bad);
      assertFalse(bad.contains("\n") || bad.contains("\r"), bad);
    }
  }

  @Test
  void severalBadRowsInOneFileAreEachReportedAtTheirOwnLine() throws Exception {
    String xml =
        doc(
            row(1), // 3
            "  <row Id=\"2\" PostTypeId=\"1\" Body=\"x & y\" />", // 4: bare &
            "  <row Id=\"3\" PostTypeId=\"1\" Title=\"t\" Title=\"u\" />", // 5: duplicate attribute, first line after a resync
            row(4), // 6
            "",
            "  <notarow/>", // 8: not a row start, skipped when resyncing
            "  <row Id=\"5\" PostTypeId=\"1\" <b> />", // 9
            "  <row Id=\"6\" PostTypeId=\"1\" Score=\"lots\" />", // 10: recoverable, after a resync
            row(7), // 11
            "  <row Id=\"8\" PostTypeId=\"1\" Body=\"<\" />", // 12
            row(9)); // 13
    Read r = readAll(xml);
    assertEquals(List.of(1L, 4L, 7L, 9L), ids(r), r.bad().toString());
    assertEquals(List.of(3L, 6L, 11L, 13L), r.posts().stream().map(Post::line).toList());
    List<String> where = r.bad().stream().map(b -> b.substring(0, b.indexOf(": "))).toList();
    assertEquals(5, where.size(), r.bad().toString());
    assertTrue(where.get(0).startsWith("test.xml:4:"), where.toString());
    // Column counted in the file, not after the synthetic <posts> put in front of the resumed text.
    String alone = readAll(doc(row(1), xml.split("\n", -1)[4])).bad().get(0);
    String col = alone.substring("test.xml:4:".length(), alone.indexOf(": "));
    assertEquals("test.xml:5:" + col, where.get(1), "the same column as when the row is read without a resync before it");
    assertTrue(where.get(2).startsWith("test.xml:9:"), where.toString());
    assertEquals("test.xml:10", where.get(3));
    assertTrue(r.bad().get(3).contains("bad Score"), r.bad().get(3));
    assertTrue(where.get(4).startsWith("test.xml:12:"), where.toString());
    assertTrue(r.bad().get(2).contains("reading resumes at line 10"), r.bad().get(2));
  }

  @Test
  void aRowLeftOpenIsNoticedOnTheNextLineWhichIsStillRead() throws Exception {
    // Row 2's Body quote is never closed: the parser only fails at the '<' that starts line 5.
    Read r = readAll(doc(row(1), "  <row Id=\"2\" PostTypeId=\"1\" Body=\"cut", row(3), "  <row Id=\"4\" PostTypeId=\"1\" Body=\"cut />", row(5)));
    assertEquals(List.of(1L, 3L, 5L), ids(r), r.bad().toString());
    assertEquals(List.of(3L, 5L, 7L), r.posts().stream().map(Post::line).toList());
    assertEquals(2, r.bad().size(), r.bad().toString());
    assertTrue(r.bad().get(0).startsWith("test.xml:5:3: "), r.bad().get(0));
    assertTrue(r.bad().get(0).contains("the row before this line is not closed and is dropped; reading resumes at line 5"), r.bad().get(0));
    assertTrue(r.bad().get(1).startsWith("test.xml:7:3: "), r.bad().get(1));
  }

  @Test
  void anySingleDamagedRowCostsThatRowOnly() throws Exception {
    String good = java.nio.file.Files.readString(StackExchangeCuratorTest.samples().resolve("unix.stackexchange.com/Posts.xml"));
    Read clean = readAll(good);
    String[] lines = good.split("\n", -1);
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    int tried = 0;
    for (int i = 0; i < 300; i++) {
      int k = rnd.nextInt(lines.length);
      String line = lines[k];
      int open = line.indexOf("<row ");
      if (open < 0) continue;
      int close = line.lastIndexOf("/>");
      String damaged;
      if (rnd.nextBoolean()) {
        // A stray '<' anywhere inside the row's tag.
        int at = open + 5 + rnd.nextInt(close - open - 5);
        damaged = line.substring(0, at) + "<" + line.substring(at);
      } else {
        // A lost quote: the value runs on, at worst to the next line.
        java.util.List<Integer> quotes = new java.util.ArrayList<>();
        for (int c = line.indexOf('"'); c >= 0; c = line.indexOf('"', c + 1)) quotes.add(c);
        int at = quotes.get(rnd.nextInt(quotes.size()));
        damaged = line.substring(0, at) + line.substring(at + 1);
      }
      String[] copy = lines.clone();
      copy[k] = damaged;
      long id = Long.parseLong(line.replaceAll(".*<row Id=\"(\\d+)\".*", "$1"));
      Read r = readAll(String.join("\n", copy));
      List<Long> want = clean.posts().stream().map(Post::id).filter(x -> x != id).toList();
      assertEquals(want, ids(r), "line " + (k + 1) + ": " + damaged + " -> " + r.bad());
      boolean wasGood = clean.posts().stream().anyMatch(p -> p.id() == id);
      assertEquals(clean.bad().size() + (wasGood ? 1 : 0), r.bad().size(), r.bad().toString());
      tried++;
    }
    assertTrue(tried > 200, "tried " + tried);
  }

  @Test
  void badLastRowEndsTheFileWithoutLosingWhatCameBefore() throws Exception {
    Read r = readAll(doc(row(1), row(2), "  <row Id=\"3\" PostTypeId=\"1\" Body=\"<\" />"));
    assertEquals(List.of(1L, 2L), ids(r));
    assertEquals(1, r.bad().size(), r.bad().toString());
    assertTrue(r.bad().get(0).startsWith("test.xml:5:"), r.bad().get(0));
    assertTrue(r.bad().get(0).contains("no row follows"), r.bad().get(0));
  }

  @Test
  void truncatedFileIsReportedAtItsEnd() throws Exception {
    String xml = doc("  <row Id=\"1\" PostTypeId=\"1\" />", "  <row Id=\"2\" PostTypeId=\"1\" Body=\"cut her");
    String cut = xml.substring(0, xml.indexOf("cut her") + 7);
    Read r = readAll(cut);
    assertEquals(List.of(1L), ids(r));
    assertEquals(1, r.bad().size(), r.bad().toString());
    assertTrue(r.bad().get(0).startsWith("test.xml:4"), r.bad().get(0));
  }

  @Test
  void badRowLongerThanTheWindowIsSkippedInTheStream() throws Exception {
    int window = 1 << 18;
    StringBuilder body = new StringBuilder();
    while (body.length() < 6 * window) body.append("lorem ipsum dolor sit amet ");
    // The error is near the start of a row four times the window long; the next row is beyond it.
    String xml =
        doc(row(1), "  <row Id=\"2\" PostTypeId=\"1\" Title=\"a < b\" Body=\"" + body + "\" />", row(3), "  <row Id=\"4\" Body=\"&\" />", row(5));
    List<Post> got = new java.util.ArrayList<>();
    List<String> bad = new java.util.ArrayList<>();
    try (PostsReader r =
        new PostsReader(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "w.xml", (w, re, e) -> bad.add(w + ": " + re), 1000, 0, window)) {
      Post p;
      while ((p = r.next()) != null) got.add(p);
      assertEquals(2, r.malformed());
    }
    assertEquals(List.of(1L, 3L, 5L), got.stream().map(Post::id).toList(), bad.toString());
    assertEquals(List.of(3L, 5L, 7L), got.stream().map(Post::line).toList());
    assertEquals(2, bad.size(), bad.toString());
    assertTrue(bad.get(0).startsWith("w.xml:4:"), bad.get(0));
    assertTrue(bad.get(1).startsWith("w.xml:6:"), bad.get(1));
  }

  @Test
  void aBadRowAtTheEndOfAWindowSizedRowStillResumes() throws Exception {
    int window = 1 << 18;
    StringBuilder body = new StringBuilder();
    while (body.length() < 3 * window) body.append("lorem ipsum ");
    String xml = doc(row(1), "  <row Id=\"2\" PostTypeId=\"1\" Body=\"" + body + "\" <oops/>", row(3));
    List<Post> got = new java.util.ArrayList<>();
    List<String> bad = new java.util.ArrayList<>();
    try (PostsReader r =
        new PostsReader(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "w.xml", (w, re, e) -> bad.add(w + ": " + re), 1000, 0, window)) {
      Post p;
      while ((p = r.next()) != null) got.add(p);
    }
    assertEquals(List.of(1L, 3L), got.stream().map(Post::id).toList(), bad.toString());
    assertEquals(5, got.get(1).line());
    assertEquals(1, bad.size(), bad.toString());
    assertTrue(bad.get(0).startsWith("w.xml:4:"), bad.get(0));
  }

  @Test
  void a50MegabyteBodyIsMarkedOversizedNotKept() throws Exception {
    StringBuilder body = new StringBuilder(50_000_100);
    body.append("&lt;p&gt;");
    while (body.length() < 50_000_000) body.append("lorem ipsum dolor sit amet &amp; more text ");
    String xml = HEADER + "  <row Id=\"1\" PostTypeId=\"2\" ParentId=\"9\" Score=\"50\" Body=\"" + body + "\" />\n  <row Id=\"2\" PostTypeId=\"1\" />\n" + FOOTER;
    body = null;
    List<Post> got = new java.util.ArrayList<>();
    try (PostsReader r = new PostsReader(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "big.xml", (w, re, e) -> fail(re), 1 << 18)) {
      Post p;
      while ((p = r.next()) != null) got.add(p);
    }
    assertEquals(2, got.size());
    assertTrue(got.get(0).oversized());
    assertNull(got.get(0).body());
    assertEquals(50, got.get(0).score());
    assertFalse(got.get(1).oversized());
  }

  @Test
  void lowScoredAnswerBodiesAreNotMaterialised() throws Exception {
    String xml = doc(answer(1, 9, 3, "<p>low</p>"), answer(2, 9, 10, "<p>high</p>"), question(9, 1, "A question here?", "<p>q</p>", null));
    List<Post> got = new java.util.ArrayList<>();
    try (PostsReader r = new PostsReader(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "t.xml", (w, re, e) -> fail(re), 1000, 10)) {
      Post p;
      while ((p = r.next()) != null) got.add(p);
    }
    assertNull(got.get(0).body());
    assertEquals("<p>high</p>", got.get(1).body());
    assertEquals("<p>q</p>", got.get(2).body(), "question bodies are always kept");
  }

  @Test
  void tagParsingBothEncodings() {
    assertEquals(List.of("a", "b-c"), Post.parseTags("<a><b-c>"));
    assertEquals(List.of("a", "b-c"), Post.parseTags("|a|b-c|"));
    assertEquals(List.of(), Post.parseTags(""));
    assertEquals(List.of(), Post.parseTags(null));
    assertEquals(List.of("solo"), Post.parseTags("solo"));
  }
}
