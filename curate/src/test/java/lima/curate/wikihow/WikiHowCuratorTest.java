package lima.curate.wikihow;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WikiHowCuratorTest {
  @TempDir Path tmp;

  static Path samples() {
    return Path.of(System.getProperty("lima.root", "..")).resolve("data/samples/wikihow");
  }

  static WikiHowCurator.Config config(int count, int threads) {
    var d = WikiHowCurator.Config.defaults();
    return new WikiHowCurator.Config(count, d.prune(), 400, d.maxChars(), null, 19, threads);
  }

  static List<Example> examples(Path out) throws Exception {
    return ExampleReader.readAll(out.resolve(RunDir.EXAMPLES));
  }

  @Test
  void categoryFirstSamplingIsDeterministicWhateverTheThreads() throws Exception {
    Path in = samples().resolve("articles.jsonl");
    var a = WikiHowCurator.run(config(4, 1), List.of(in), new RunDir.Options(tmp.resolve("a"), false, 7, -1), false);
    var b = WikiHowCurator.run(config(4, 4), List.of(in), new RunDir.Options(tmp.resolve("b"), false, 7, -1), false);
    assertEquals(4, a.kept());
    assertEquals("category", a.stratifiedBy());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("a/examples.jsonl")), Files.readAllBytes(tmp.resolve("b/examples.jsonl")));
    List<Example> ex = examples(tmp.resolve("a"));
    // four articles from four different top-level categories: uniform over categories, not over articles
    assertEquals(4, ex.stream().map(e -> e.meta().get("top_category")).distinct().count());
    for (Example e : ex) {
      assertTrue(e.prompt().startsWith("How to ") && e.prompt().endsWith("?"), e.prompt());
      assertTrue(e.response().contains("## "), e.response());
      assertTrue(e.response().contains("\n1. "), e.response());
      assertFalse(e.response().contains("This article"));
      assertFalse(e.response().contains("http"), e.response());
      assertFalse(e.response().contains("## Tips") || e.response().contains("## Warnings") || e.response().contains("## Things You'll Need"));
    }
    var c = WikiHowCurator.run(config(4, 1), List.of(in), new RunDir.Options(tmp.resolve("c"), false, 8, -1), false);
    assertEquals(4, c.kept());
  }

  @Test
  void withoutCategoriesItStratifiesByTitleClustersAndSaysSo() throws Exception {
    var r = WikiHowCurator.run(config(0, 2), List.of(samples().resolve("wikihowAll.csv"), samples().resolve("wikihowSep.csv")), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false);
    assertEquals("title_clusters", r.stratifiedBy());
    assertEquals(3, r.kept());
    JsonNode stats = Json.MAPPER.readTree(tmp.resolve("o/stats.json").toFile());
    assertTrue(stats.path("notes").path("stratified_by").asText().startsWith("title_clusters"), stats.toString());
    assertEquals(3, stats.path("read").path("articles").asInt());
    for (Example e : examples(tmp.resolve("o"))) assertTrue(e.meta().get("title_cluster").toString().startsWith("cluster-"));
  }

  @Test
  void badFilesAreCountedAndTheRunGoesOnUnlessMaxErrors() throws Exception {
    Path wrong = Files.writeString(tmp.resolve("wrong.csv"), "name,body\nx,y\n");
    var r = WikiHowCurator.run(config(10, 1), List.of(wrong, samples().resolve("articles.jsonl")), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false);
    assertEquals(6, r.kept());
    String rejects = Files.readString(tmp.resolve("o/rejects.jsonl"));
    assertTrue(rejects.contains("wrong.csv:1") && rejects.contains("malformed"), rejects);
    var e = assertThrows(BadInputException.class, () -> WikiHowCurator.run(config(10, 1), List.of(wrong, samples().resolve("articles.jsonl")), new RunDir.Options(tmp.resolve("p"), false, 1, 0), false));
    assertTrue(e.getMessage().contains("wrong.csv:1"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("p/examples.jsonl")), "a stopped run leaves no examples");
  }

  @Test
  void onlyBadInputIsAnError() throws Exception {
    Path wrong = Files.writeString(tmp.resolve("wrong.csv"), "name,body\nx,y\n");
    var e = assertThrows(BadInputException.class, () -> WikiHowCurator.run(config(10, 1), List.of(wrong), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false));
    assertTrue(e.getMessage().startsWith("no wikiHow article could be read"), e.getMessage());
  }

  @Test
  void ifChangedSkipsAnUnchangedRun() throws Exception {
    Path in = samples().resolve("articles.jsonl");
    var o = new RunDir.Options(tmp.resolve("o"), false, 1, -1);
    assertFalse(WikiHowCurator.run(config(3, 1), List.of(in), o, true).upToDate());
    assertTrue(WikiHowCurator.run(config(3, 1), List.of(in), o, true).upToDate());
    assertFalse(WikiHowCurator.run(config(2, 1), List.of(in), new RunDir.Options(tmp.resolve("o"), true, 1, -1), true).upToDate(), "a changed configuration redoes the run");
  }

  @Test
  void aDigitSuffixSeenOnceIsPartOfTheTitle() throws Exception {
    String body = " " + "Plug the controller in with its cable and hold the pair button until the light blinks. ".repeat(6);
    Path csv = tmp.resolve("wikihowAll.csv");
    try (var w = Files.newBufferedWriter(csv);
        var p = new org.apache.commons.csv.CSVPrinter(w, org.apache.commons.csv.CSVFormat.RFC4180)) {
      p.printRecord("headline", "title", "text");
      p.printRecord("\r\nConnect the cable.", "How to Sync a PS4", body);
      p.printRecord("\r\nKeep related supplies in one place.", "How to Be an Organized Artist1", body);
      p.printRecord("\r\nClean the desk every night.", "How to Be an Organized Artist2", body);
    }
    var r = WikiHowCurator.run(config(0, 1), List.of(csv), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false);
    assertEquals(2, r.articles());
    List<String> prompts = examples(tmp.resolve("o")).stream().map(Example::prompt).sorted().toList();
    assertEquals(List.of("How to be an organized artist?", "How to sync a ps4?"), prompts);
    Example artist = examples(tmp.resolve("o")).stream().filter(e -> e.prompt().contains("artist")).findFirst().orElseThrow();
    assertTrue(artist.response().contains("## Method 1") && artist.response().contains("## Method 2"), artist.response());
  }
}
