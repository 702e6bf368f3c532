package lima.curate.wikihow;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.core.Json;
import lima.core.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wikiHow reader on the real samples in ../shared/real/data/wikihow and the released LIMA rows. */
@Tag("real-data")
class WikiHowRealDataTest {
  @TempDir Path tmp;

  static Path need(String rel) {
    Path p = TestData.real(rel);
    assumeTrue(Files.exists(p), "skipped: " + p + " not present (real samples live in ../shared/real)");
    return p;
  }

  @Test
  void scrapeCsvTitleHeadingParagraphIsRebuiltWithoutCitationResidue() throws Exception {
    Path csv = need("data/wikihow/scrape_title_heading_paragraph_sample.csv");
    Map<String, List<StepRow>> articles = new LinkedHashMap<>();
    List<String> bad = new ArrayList<>();
    WikiHowReader.read(csv, 0, r -> articles.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r), (w, r, x) -> bad.add(w + r), n -> {});
    assertEquals(List.of(), bad);
    assertEquals(WikiHowLayout.STEPS, WikiHowReader.detect(csv));
    assertEquals(3, articles.size());
    List<String> prompts = articles.values().stream().map(rows -> Titles.prompt(rows.get(0).title())).toList();
    assertEquals(List.of("How to remove lint from clothes?", "How to soothe a sore ankle?", "How to field a ground ball?"), prompts);
    ArticleFormatter f = new ArticleFormatter(ArticleFormatter.DEFAULT_PRUNE);
    for (List<StepRow> rows : articles.values()) {
      var a = f.format(rows);
      assertEquals(rows.size(), a.steps());
      for (String residue : List.of("X Research source", "Expert Source", "Trustworthy Source", "Expert Interview", "Go to source", "[1]"))
        assertFalse(a.response().contains(residue), residue + " left in " + a.response());
      assertTrue(a.response().startsWith("1. "), a.response().substring(0, 80));
      // the scrape repeats the bold line at the start of the paragraph; the rebuild says it once
      String first = rows.get(0).headline().strip();
      assertFalse(a.response().startsWith("1. " + first + " " + first), a.response().substring(0, 120));
    }
  }

  @Test
  void koupaeeRowQuotedInTheSampleUnpacksIntoItsEightSteps() throws Exception {
    Path md = need("data/wikihow/koupaee_wikihowAll_sample_rows.md");
    String text = Files.readString(md);
    Matcher m = Pattern.compile("headline \\(cell value[^\\n]*\\n```\\n(.*?)\\n```.*?text \\(tail[^\\n]*\\n```\\n(.*?)\\n```", Pattern.DOTALL).matcher(text);
    assertTrue(m.find(), "the sample keeps its layout");
    // the markdown shows the cell escapes as \n; the CSV cells hold \r\n in headlines, \n in text
    String headline = m.group(1).replace("\\n", "\r\n");
    String body = m.group(2).replace("\\n", "\n");
    Path csv = tmp.resolve("wikihowAll.csv");
    try (var w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8);
        var p = new org.apache.commons.csv.CSVPrinter(w, org.apache.commons.csv.CSVFormat.RFC4180)) {
      p.printRecord("headline", "title", "text");
      p.printRecord(headline, "How to Be an Organized Artist1", body);
    }
    List<StepRow> rows = new ArrayList<>();
    WikiHowReader.read(csv, 0, rows::add, (w, r, x) -> fail(w + r), n -> {});
    assertEquals(1, rows.size());
    assertEquals("How to Be an Organized Artist", rows.get(0).title());
    assertEquals(1, rows.get(0).method());
    List<String[]> steps = ArticleFormatter.unpack(rows.get(0).headline(), rows.get(0).body());
    assertEquals(8, steps.size());
    assertEquals("Keep related supplies in the same area.", steps.get(0)[0]);
    assertEquals("Make a habit of throwing out old, excess, or useless stuff each month.", steps.get(7)[0]);
    assertTrue(steps.get(1)[1].startsWith("This doesn't mean cleaning the entire studio"), steps.get(1)[1]);
    String response = new ArticleFormatter(ArticleFormatter.DEFAULT_PRUNE).format(rows).response();
    assertTrue(response.contains("\t* Essential supplies area -- the things you use every day."), response);
  }

  @Test
  void ourPromptRuleReproducesEveryReleasedWikihowPrompt() throws Exception {
    Path lima = need("data/lima/lima_train_first1000.jsonl");
    int n = 0;
    try (BufferedReader r = Files.newBufferedReader(lima)) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode o = Json.MAPPER.readTree(line);
        if (!o.path("source").asText().equals("wikihow")) continue;
        String p = o.path("conversations").get(0).asText();
        String title = p.substring(0, p.length() - 1);
        assertEquals(p, Titles.prompt(title));
        n++;
      }
    }
    assertEquals(200, n);
  }
}
