package lima.curate.ni;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NiCuratorTest {
  @TempDir Path tmp;

  static Path samples() {
    return Path.of(System.getProperty("lima.root", "..")).resolve("data/samples/natural-instructions");
  }

  static NiCurator.Config config(int count, int threads) {
    var d = NiCurator.Config.defaults();
    return new NiCurator.Config(count, d.categories(), true, d.maxPromptChars(), d.maxResponseChars(), threads);
  }

  Path copySamples() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("tasks"));
    try (Stream<Path> s = Files.list(samples())) {
      for (Path p : s.filter(p -> p.toString().endsWith(".json")).toList()) Files.copy(p, dir.resolve(p.getFileName()));
    }
    return dir;
  }

  @Test
  void oneSeededInstancePerGenerationTaskDefinitionThenInput() throws Exception {
    var r = NiCurator.run(config(50, 1), List.of(samples()), new RunDir.Options(tmp.resolve("o"), false, 42, -1), false);
    assertEquals(6, r.tasks());
    assertEquals(4, r.eligible());
    assertEquals(4, r.kept());
    List<Example> ex = ExampleReader.readAll(tmp.resolve("o/examples.jsonl"));
    for (Example e : ex) {
      assertEquals("nlp", e.source());
      String[] parts = e.prompt().split("\n\n", 2);
      assertEquals(2, parts.length, e.prompt());
      assertFalse(parts[0].isBlank() || parts[1].isBlank());
      assertFalse(e.response().isBlank());
    }
    assertTrue(ex.stream().anyMatch(e -> e.meta().get("task").equals("task9001_lima_sample_summarization")), "the task with a bare NaN is read");
    String rejects = Files.readString(tmp.resolve("o/rejects.jsonl"));
    assertTrue(rejects.contains("\"category\"") && rejects.contains("\"not_english\""), rejects);
  }

  @Test
  void deterministicWhateverTheThreadsAndSeedChangesTheInstances() throws Exception {
    NiCurator.run(config(3, 1), List.of(samples()), new RunDir.Options(tmp.resolve("a"), false, 5, -1), false);
    NiCurator.run(config(3, 4), List.of(samples()), new RunDir.Options(tmp.resolve("b"), false, 5, -1), false);
    assertArrayEquals(Files.readAllBytes(tmp.resolve("a/examples.jsonl")), Files.readAllBytes(tmp.resolve("b/examples.jsonl")));
    boolean differs = false;
    for (long seed = 6; seed < 16 && !differs; seed++) {
      Path o = tmp.resolve("s" + seed);
      NiCurator.run(config(4, 1), List.of(samples()), new RunDir.Options(o, false, seed, -1), false);
      NiCurator.run(config(4, 1), List.of(samples()), new RunDir.Options(tmp.resolve("t" + seed), false, seed + 100, -1), false);
      differs = !java.util.Arrays.equals(Files.readAllBytes(o.resolve("examples.jsonl")), Files.readAllBytes(tmp.resolve("t" + seed).resolve("examples.jsonl")));
    }
    assertTrue(differs, "different seeds pick different instances or orders");
  }

  @Test
  void brokenAndNonTaskFilesAreNamedCountedAndSkipped() throws Exception {
    Path dir = copySamples();
    Files.writeString(dir.resolve("task9100_broken_summarization.json"), "{\n  \"Definition\": [\"x\"],\n  \"Instances\": [ {\"input\": \"a\" \n");
    Files.writeString(dir.resolve("categories_map.json"), "{\"Summarization\": [\"task001\"]}");
    Files.writeString(dir.resolve("task9101_not_a_task.json"), "{\"Summarization\": [\"task001\"]}");
    var r = NiCurator.run(config(50, 2), List.of(dir), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false);
    assertEquals(4, r.kept());
    String rejects = Files.readString(tmp.resolve("o/rejects.jsonl"));
    assertTrue(rejects.contains("task9100_broken_summarization.json") && rejects.contains("broken JSON at line"), rejects);
    assertTrue(rejects.contains("categories_map.json") && rejects.contains("not a task file name"), rejects);
    assertTrue(rejects.contains("task9101_not_a_task.json") && rejects.contains("expected \\\"Definition\\\""), rejects);
    assertThrows(BadInputException.class, () -> NiCurator.run(config(50, 1), List.of(dir), new RunDir.Options(tmp.resolve("p"), false, 1, 1), false));
  }

  @Test
  void categoriesAreConfigurable() throws Exception {
    var c = new NiCurator.Config(50, List.of("sentiment analysis"), true, 4000, 4000, 1);
    var r = NiCurator.run(c, List.of(samples()), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false);
    assertEquals(1, r.kept());
    assertEquals("Sentiment Analysis", ExampleReader.readAll(tmp.resolve("o/examples.jsonl")).get(0).meta().get("category"));
  }

  @Test
  void promptJoinsDefinitionAndInputWithABlankLine() {
    assertEquals("Extract the street address.\n\nI live at 1 Main St.", NiCurator.prompt("  Extract the street address.\n", "I live at 1 Main St.  "));
  }

  @Test
  void excludedTasksAreLeftOut() throws Exception {
    Path list = Files.writeString(tmp.resolve("test_tasks.txt"), "# test split\ntask9001_lima_sample_summarization\ntask9002_lima_sample_paraphrasing.json\n");
    var c = new NiCurator.Config(50, NiCurator.DEFAULT_CATEGORIES, true, 4000, 4000, 1, NiCurator.readTaskList(list));
    var r = NiCurator.run(c, List.of(samples()), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false);
    assertEquals(2, r.kept());
    String rejects = Files.readString(tmp.resolve("o/rejects.jsonl"));
    assertEquals(2, rejects.split("\"reason\":\"excluded\"", -1).length - 1, rejects);
  }
}
