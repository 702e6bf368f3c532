package lima.curate.mix;

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
import lima.core.UserException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixTest {
  @TempDir Path tmp;
  Path inputs;

  @BeforeEach
  void fixtures() throws Exception {
    inputs = tmp.resolve("runs");
    MixFixtures.write(inputs);
  }

  Mix.Result mix(Path out, long seed, int threads, int seQuota, boolean strict) throws Exception {
    Path recipe = MixFixtures.recipe(tmp, seQuota);
    return Mix.run(new Mix.Options(recipe, inputs, strict, threads, false), new RunDir.Options(out, false, seed, -1));
  }

  @Test
  void quotasDedupAndDecontamination() throws Exception {
    Mix.Result r = mix(tmp.resolve("out"), 42, 2, 5, false);
    assertEquals(5 + 5 + 6 + 4 + 3 + 10, r.train(), "authored has 12 examples of which 2 are dropped, so it is short by 2");
    assertEquals(3, r.dev());
    assertEquals(10, r.test());
    List<Example> train = ExampleReader.readAll(tmp.resolve("out/train.jsonl"));
    assertEquals(r.train(), train.size());
    assertEquals(5, train.stream().filter(e -> "stem".equals(e.meta().get("group"))).count());
    assertTrue(train.stream().noneMatch(e -> e.id().equals("au-dup") || e.id().equals("au-leak")));
    assertEquals(1, r.duplicates());
    assertEquals(1, r.contaminated());
    List<JsonNode> rejects = Files.readAllLines(tmp.resolve("out/rejects.jsonl")).stream().map(MixTest::json).toList();
    JsonNode leak = rejects.stream().filter(j -> j.get("id").asText().equals("au-leak")).findFirst().orElseThrow();
    assertEquals("ask-leak", leak.at("/context/test_id").asText());
    JsonNode dup = rejects.stream().filter(j -> j.get("id").asText().equals("au-dup")).findFirst().orElseThrow();
    assertEquals("wh-5", dup.at("/context/kept_id").asText());
    assertEquals("wikihow", dup.at("/context/kept_entry").asText());
    assertEquals(1, r.shortEntries().size());
    assertEquals("authored", r.shortEntries().get(0).entry().name());
    JsonNode stats = Json.MAPPER.readTree(tmp.resolve("out/stats.json").toFile());
    assertEquals(2, stats.at("/mix/train~1authored~1short_of_quota").asInt());
  }

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void sameSeedIsByteIdenticalWhateverTheThreads() throws Exception {
    mix(tmp.resolve("a"), 7, 1, 5, false);
    mix(tmp.resolve("b"), 7, 4, 5, false);
    for (String f : List.of(Mix.TRAIN, Mix.DEV, Mix.TEST, "rejects.jsonl", "diversity.json"))
      assertArrayEquals(Files.readAllBytes(tmp.resolve("a/" + f)), Files.readAllBytes(tmp.resolve("b/" + f)), f);
    mix(tmp.resolve("c"), 8, 1, 5, false);
    assertFalse(Files.readString(tmp.resolve("a/train.jsonl")).equals(Files.readString(tmp.resolve("c/train.jsonl"))), "another seed, another order");
  }

  @Test
  void dataCardHasTableLicencesLinksFiltersAndWarnings() throws Exception {
    mix(tmp.resolve("out"), 42, 2, 50, false);
    String card = Files.readString(tmp.resolve("out/DATACARD.md"));
    assertTrue(card.contains("| train | stackexchange-stem | stackexchange |"), card);
    assertTrue(card.contains("short by 30"), "stem has 20 examples for a quota of 50");
    assertTrue(card.contains("CC BY-SA"));
    assertTrue(card.contains("CC BY-NC-SA 3.0"));
    assertTrue(card.contains("Apache-2.0"));
    assertTrue(card.contains("owned by its authors"));
    assertTrue(card.contains("GAIR/lima"));
    assertTrue(card.contains("<https://math.stackexchange.com/questions/1000>"), "links to the posts");
    assertTrue(card.contains("filter: first_person 1, too_short 3"), "filters of the input runs");
    assertTrue(card.contains("stackexchange"));
    JsonNode manifest = Json.MAPPER.readTree(tmp.resolve("out/manifest.json").toFile());
    assertEquals(8, manifest.get("upstream").size(), "one manifest per input folder");
    assertTrue(manifest.get("upstream").get(0).at("/inputs/0/path").asText().contains("raw"), "chains down to the raw files");
  }

  @Test
  void tokenCounterAddsTokenColumnsToTheCard() throws Exception {
    Mix.Options o = new Mix.Options(MixFixtures.recipe(tmp, 5), inputs, false, 1, false, false, null, lima.core.SourceStats::words);
    Mix.run(o, new RunDir.Options(tmp.resolve("tok"), false, 42, -1));
    String card = Files.readString(tmp.resolve("tok/DATACARD.md"));
    assertTrue(card.contains("in_tok"), card);
    assertTrue(card.contains("tokens of the given tokenizer"), card);
  }

  @Test
  void strictFailsWhenShortAndMissingFoldersAreRefused() throws Exception {
    BadInputException e = assertThrows(BadInputException.class, () -> mix(tmp.resolve("s"), 42, 1, 50, true));
    assertTrue(e.getMessage().contains("stackexchange-stem"), e.getMessage());
    Files.walk(inputs.resolve("reddit")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    UserException u = assertThrows(UserException.class, () -> mix(tmp.resolve("m"), 42, 1, 5, false));
    assertTrue(u.getMessage().contains("reddit"), u.getMessage());
    Mix.Result r = Mix.run(new Mix.Options(MixFixtures.recipe(tmp, 5), inputs, false, 1, false, true), new RunDir.Options(tmp.resolve("m2"), false, 1, -1));
    assertTrue(r.shortEntries().stream().anyMatch(x -> x.entry().name().equals("writingprompts") && x.selected() == 0));
  }

  @Test
  void shippedRecipesParse() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.isDirectory(root.resolve("data/recipes"))) root = root.getParent();
    assertNotNull(root, "data/recipes not found above " + Path.of("").toAbsolutePath());
    for (String name : List.of("lima.json", "demo.json")) {
      Recipe r = Recipe.read(root.resolve("data/recipes/" + name));
      assertFalse(r.train().isEmpty(), name);
    }
    Recipe lima = Recipe.read(root.resolve("data/recipes/lima.json"));
    assertEquals(1000, lima.train().stream().mapToInt(Recipe.Entry::quota).sum());
    assertEquals(50, lima.devEntries().stream().mapToInt(Recipe.Entry::quota).sum());
    assertEquals(300, lima.testEntries().stream().mapToInt(Recipe.Entry::quota).sum());
  }

  @Test
  void badRecipeIsOneLineWithFileAndLine() throws Exception {
    Path p = tmp.resolve("bad.json");
    Files.writeString(p, "{\"train\": [{\"name\": \"x\", \"path\": \"p\", \"quota\": 1, \"selct\": \"order\"}]}");
    BadInputException e = assertThrows(BadInputException.class, () -> Recipe.read(p));
    assertTrue(e.getMessage().startsWith(p + ":1:"), e.getMessage());
    assertTrue(e.getMessage().contains("selct"), e.getMessage());
  }
}
