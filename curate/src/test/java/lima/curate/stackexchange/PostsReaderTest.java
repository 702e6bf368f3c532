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

  @Test
  void malformedRowMidFileStopsTheFileWithLineAndColumn() throws Exception {
    String xml = doc("  <row Id=\"1\" PostTypeId=\"1\" />", "  <row Id=\"2\" PostTypeId=\"1\" Body=\"a < b\" />", "  <row Id=\"3\" PostTypeId=\"1\" />");
    java.util.List<Post> got = new java.util.ArrayList<>();
    PostsReader r = new PostsReader(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "f.xml", (w, re, e) -> fail(re));
    PostsReader.NotWellFormed e =
        assertThrows(
            PostsReader.NotWellFormed.class,
            () -> {
              Post p;
              while ((p = r.next()) != null) got.add(p);
            });
    r.close();
    assertEquals(List.of(1L), got.stream().map(Post::id).toList());
    assertTrue(e.getMessage().startsWith("f.xml:4:"), e.getMessage());
    assertTrue(e.getMessage().contains("not well-formed"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertNull(r.next(), "nothing more after a fatal error");
  }

  @Test
  void truncatedFileIsAFatalErrorNamingTheEnd() throws Exception {
    String xml = doc("  <row Id=\"1\" PostTypeId=\"1\" />", "  <row Id=\"2\" PostTypeId=\"1\" Body=\"cut her");
    String cut = xml.substring(0, xml.indexOf("cut her") + 7);
    var e = assertThrows(PostsReader.NotWellFormed.class, () -> readAll(cut));
    assertTrue(e.getMessage().startsWith("test.xml:4"), e.getMessage());
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
