package lima.curate.wikihow;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WikiHowReaderTest {
  @TempDir Path tmp;

  record Read(List<StepRow> rows, List<String> bad) {}

  Read read(String name, String content) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, content);
    List<StepRow> rows = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    WikiHowReader.read(f, 0, rows::add, (w, r, x) -> bad.add(w + ": " + r), n -> {});
    return new Read(rows, bad);
  }

  @Test
  void detectsLayoutsFromTheHeader() throws IOException {
    Path all = Files.writeString(tmp.resolve("a.csv"), "headline,title,text\r\n");
    Path sep = Files.writeString(tmp.resolve("s.csv"), "overview,headline,text,sectionLabel,title\n");
    Path scrape = Files.writeString(tmp.resolve("c.csv"), "title,heading,paragraph\n");
    Path cat = Files.writeString(tmp.resolve("k.csv"), "title,category,sectionLabel,headline,text\n");
    Path jl = Files.writeString(tmp.resolve("j.jsonl"), "\n{\"title\":\"x\"}\n");
    assertEquals(WikiHowLayout.ALL, WikiHowReader.detect(all));
    assertEquals(WikiHowLayout.SEP, WikiHowReader.detect(sep));
    assertEquals(WikiHowLayout.STEPS, WikiHowReader.detect(scrape));
    assertEquals(WikiHowLayout.STEPS, WikiHowReader.detect(cat));
    assertEquals(WikiHowLayout.JSONL, WikiHowReader.detect(jl));
  }

  @Test
  void wrongHeaderIsOneLineNamingFileAndExpectedColumns() throws IOException {
    Path f = Files.writeString(tmp.resolve("wrong.csv"), "name,body\nx,y\n");
    var e = assertThrows(BadInputException.class, () -> WikiHowReader.detect(f));
    assertTrue(e.getMessage().startsWith(f + ":1: unknown header 'name,body'"), e.getMessage());
    assertTrue(e.getMessage().contains("headline,title,text"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    Read r = read("wrong2.csv", "name,body\nx,y\n");
    assertEquals(0, r.rows().size());
    assertEquals(1, r.bad().size());
    assertTrue(r.bad().get(0).contains("wrong2.csv:1"), r.bad().toString());
  }

  @Test
  void aBinaryFileIsTheWrongKind() throws IOException {
    Path f = tmp.resolve("RS_2024-01.zst");
    Files.write(f, new byte[] {40, -75, 47, -3, 0, 88, -1, -2, 10, 1, 2});
    var e = assertThrows(BadInputException.class, () -> WikiHowReader.detect(f));
    assertTrue(e.getMessage().startsWith(f + ":1: not UTF-8 text"), e.getMessage());
    List<String> bad = new ArrayList<>();
    WikiHowReader.read(f, 0, r -> fail("no rows from a binary file"), (w, r, x) -> bad.add(w + ": " + r), n -> {});
    assertEquals(1, bad.size(), bad.toString());
  }

  @Test
  void methodSuffixIsTakenOffTitlesOfWikihowAll() throws IOException {
    Read r = read("all.csv", "headline,title,text\r\n\"\r\nA.\",How to Be an Organized Artist1,\" a\"\r\n\"\r\nB.\",How to Play Halo 3,\" b\"\r\n\"\r\nC.\",How to Be an Organized Artist2,\" c\"\r\n");
    assertEquals(List.of(), r.bad());
    assertEquals(List.of("How to Be an Organized Artist", "How to Play Halo 3", "How to Be an Organized Artist"), r.rows().stream().map(StepRow::title).toList());
    assertEquals(List.of(1, 0, 2), r.rows().stream().map(StepRow::method).toList());
    assertEquals(r.rows().get(0).key(), r.rows().get(2).key(), "both methods belong to one article");
    assertTrue(r.rows().get(0).where().endsWith("all.csv:2"), r.rows().get(0).where());
  }

  @Test
  void wrongColumnCountAndBrokenQuotesAreNamedAndReadingGoesOn() throws IOException {
    Read r = read("steps.csv", "title,heading,paragraph\nHow to A,Step one.,Text one.\nHow to A,only two\nHow to A,Step two.,Text two.\nHow to B,\"unterminated,x\n");
    assertEquals(2, r.rows().size());
    assertEquals(2, r.bad().size(), r.bad().toString());
    assertTrue(r.bad().get(0).contains("steps.csv:3: expected 3 columns"), r.bad().get(0));
    assertTrue(r.bad().get(1).contains("CSV can no longer be parsed"), r.bad().get(1));
  }

  @Test
  void brokenJsonLineIsNamedAndOthersAreRead() throws IOException {
    Read r = read("a.jsonl", "{\"title\":\"How to A\",\"category\":\"Health\",\"steps\":[\"Do it.\"]}\n{\"title\": broken\n[1,2]\n{\"title\":\"How to B\"}\n{\"title\":\"How to C\",\"methods\":[{\"name\":\"M\",\"steps\":[{\"headline\":\"H.\",\"text\":\"T\"}]}]}\n");
    assertEquals(List.of("How to A", "How to C"), r.rows().stream().map(StepRow::title).toList());
    assertEquals(3, r.bad().size(), r.bad().toString());
    assertTrue(r.bad().get(0).contains("a.jsonl:2: broken JSON line"), r.bad().get(0));
    assertTrue(r.bad().get(1).contains("a.jsonl:3: expected a JSON object"), r.bad().get(1));
    assertTrue(r.bad().get(2).contains("a.jsonl:4: article has no \"methods\""), r.bad().get(2));
    assertEquals("Health", r.rows().get(0).category());
    assertEquals("M", r.rows().get(1).section());
  }

  @Test
  void promptsFollowTheReleasedStyle() {
    assertEquals("How to fold polo shirts?", Titles.prompt("How to Fold Polo Shirts"));
    assertEquals("How to soothe a sore ankle?", Titles.prompt("How to Soothe a Sore Ankle: 13 Steps (with Pictures) - wikiHow"));
    assertEquals("How to remove lint from clothes?", Titles.prompt("How to Remove Lint from Clothes: 14+ Easy Methods"));
    assertEquals("How to clean grout?", Titles.prompt("3 Ways to Clean Grout"));
    assertEquals("How to create a custom list on imdb?", Titles.prompt("Create a Custom List on IMDb"));
    assertEquals("How to play halo 3?", Titles.prompt("How to Play Halo 3"));
  }

  @Test
  void cleanRemovesLinksImagesAndReferenceMarkers() {
    assertEquals("Read the guide first.", ArticleFormatter.clean("Read [the guide](https://x.org/a) first.[1] X Research source"));
    assertEquals("Ice helps. It reduces swelling.", ArticleFormatter.clean("Ice helps.[3] X Expert Source Ann Lee, MDDoctor Expert Interview. 21 April 2020. It reduces swelling."));
    assertEquals("Rest it.", ArticleFormatter.clean("Rest it.[8] X Trustworthy Source Arthritis Foundation Main organization devoted to arthritis Go to source"));
    assertEquals("Done.", ArticleFormatter.clean("Done. ![pic](https://x.org/p.jpg) <img src=\"a.png\">"));
    assertEquals("Plain text [not a marker].", ArticleFormatter.clean("Plain text [not a marker]."));
  }
}
