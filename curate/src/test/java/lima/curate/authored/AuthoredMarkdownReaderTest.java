package lima.curate.authored;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthoredMarkdownReaderTest {
  static final Path F = Path.of("dir/notes.md");

  @Test
  void wholeFileIsOneExampleWithFrontMatter() {
    List<Draft> ds =
        AuthoredMarkdownReader.parse(
            F, "---\nid: ex-1\ntags: [a, \"b c\"]\nsafety: yes\nauthor: me\n---\n\n## User\n\nHi?\n\n## Assistant:\n\nHello.\n\n  Second para.  \n\n");
    assertEquals(1, ds.size());
    Draft d = ds.get(0);
    assertNull(d.problem());
    assertEquals("ex-1", d.id());
    assertEquals(List.of("a", "b c"), d.tags());
    assertTrue(d.safety());
    assertEquals("me", d.meta().get("author"));
    assertEquals("authors", d.source());
    assertEquals(2, d.turns().size());
    assertEquals("Hi?", d.turns().get(0).text());
    assertEquals("Hello.\n\n  Second para.", d.turns().get(1).text());
    assertEquals(Draft.Role.ASSISTANT, d.turns().get(1).role());
    assertEquals(12, d.turns().get(1).line());
  }

  @Test
  void fileWithoutIdIsNamedAfterTheFile() {
    Draft d = AuthoredMarkdownReader.parse(F, "## user\nq\n## ASSISTANT\na\n").get(0);
    assertEquals("notes", d.id());
    assertFalse(d.safety());
  }

  @Test
  void severalExamplesPerFileWithHeaders() {
    String md = "# example: one\n## User\nq1\n## Assistant\na1\n## User\nq2\n## Assistant\na2\n\n# Example\n\n## User\nq\n## Assistant\na\n";
    List<Draft> ds = AuthoredMarkdownReader.parse(F, md);
    assertEquals(2, ds.size());
    assertEquals("one", ds.get(0).id());
    assertEquals(4, ds.get(0).turns().size());
    assertEquals("notes-11", ds.get(1).id(), "an example without id is named file-line");
    assertEquals(11, ds.get(1).line());
  }

  @Test
  void headingsInsideCodeFencesAreTurnText() {
    String md = "## User\nShow a template.\n## Assistant\n````markdown\n## User\n```\n## Assistant\n```\n````\nDone.\n";
    Draft d = AuthoredMarkdownReader.parse(F, md).get(0);
    assertEquals(2, d.turns().size());
    assertTrue(d.turns().get(1).text().contains("## User\n```\n## Assistant"), d.turns().get(1).text());
    assertTrue(d.turns().get(1).text().endsWith("Done."));
  }

  @Test
  void ordinaryHeadingsInAResponseStay() {
    Draft d = AuthoredMarkdownReader.parse(F, "## User\nq\n## Assistant\n## Method 1\nstep\n### Tips\nx\n").get(0);
    assertEquals(2, d.turns().size());
    assertEquals("## Method 1\nstep\n### Tips\nx", d.turns().get(1).text());
  }

  @Test
  void metadataProblemsNameTheLine() {
    assertEquals(new Draft.Problem("unknown_key", "unknown key 'saftey' (known: author, id, license, note, safety, source, tags)", 2),
        AuthoredMarkdownReader.parse(F, "# example: x\nsaftey: true\n## User\nq\n## Assistant\na\n").get(0).problem());
    assertEquals("bad_metadata", AuthoredMarkdownReader.parse(F, "safety: maybe\n## User\nq\n## Assistant\na\n").get(0).problem().reason());
    assertEquals("bad_metadata", AuthoredMarkdownReader.parse(F, "id: a b\n## User\nq\n## Assistant\na\n").get(0).problem().reason());
    assertEquals("bad_metadata", AuthoredMarkdownReader.parse(F, "tags: a\ntags: b\n## User\nq\n## Assistant\na\n").get(0).problem().reason());
    Draft.Problem p = AuthoredMarkdownReader.parse(F, "Some stray prose\n## User\nq\n## Assistant\na\n").get(0).problem();
    assertEquals("text_outside_turn", p.reason());
    assertEquals(1, p.line());
  }

  @Test
  void crlfAndBlankFiles() {
    Draft d = AuthoredMarkdownReader.parse(F, "## User\r\nq\r\n## Assistant\r\na\r\nb\r\n").get(0);
    assertEquals("a\nb", d.turns().get(1).text());
    assertTrue(AuthoredMarkdownReader.parse(F, "\n\n  \n").isEmpty());
  }
}
