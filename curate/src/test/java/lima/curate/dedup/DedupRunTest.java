package lima.curate.dedup;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import lima.core.Example;
import lima.core.Json;
import lima.core.JsonlWriter;
import lima.core.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupRunTest {
  @TempDir Path tmp;

  static void writeExamples(Path file, List<Example> examples, String... rawLines) throws Exception {
    try (JsonlWriter w = new JsonlWriter(file)) {
      for (Example e : examples) w.write(e);
      w.commit();
    }
    if (rawLines.length > 0) Files.writeString(file, Files.readString(file) + String.join("\n", rawLines) + "\n");
  }

  List<Example> corpus() {
    SplittableRandom r = new SplittableRandom(3);
    String[] vocab = Planted.vocab(r, 3000);
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String[] base = Planted.text(r, vocab, 40);
      out.add(Example.of("base" + i, "s", String.join(" ", base), "answer " + i, Map.of("score", i % 7)));
      if (i % 5 == 0) out.add(Example.of("near" + i, "s", String.join(" ", Planted.variant(r, vocab, base, 0.9)), "answer " + i, Map.of("score", 100)));
      if (i % 7 == 0) out.add(Example.of("copy" + i, "s", String.join(" ", base).toUpperCase() + "!", "answer " + i, Map.of("score", 0)));
    }
    return out;
  }

  Dedup.Result run(Path out, int threads, List<Path> in, List<Path> decon) throws Exception {
    DedupConfig cfg = DedupConfig.defaults().withField(DedupConfig.Field.PROMPT);
    return Dedup.run(cfg, in, decon, new RunDir.Options(out, false, 42, -1), threads, false);
  }

  @Test
  void rejectsNameClusterKeptRecordAndSimilarity() throws Exception {
    Path in = tmp.resolve("in/examples.jsonl");
    Files.createDirectories(in.getParent());
    writeExamples(in, corpus(), "{not json", "{\"conversations\": 5}");
    Dedup.Result r = run(tmp.resolve("out"), 2, List.of(in.getParent()), List.of());
    assertEquals(2, r.bad());
    // 29 upper-cased copies; 6 of them (i % 35 == 0) are in a cluster whose kept record is the near
    // copy (score 100), so they count as near-duplicates of it, like their 40 bases
    assertEquals(23, r.exact());
    assertTrue(r.near() >= 44 && r.near() <= 46, "near " + r.near());
    assertEquals(r.read() - 2 - r.exact() - r.near(), r.kept());
    List<JsonNode> rejects = new ArrayList<>();
    for (String l : Files.readAllLines(tmp.resolve("out/rejects.jsonl"))) rejects.add(Json.MAPPER.readTree(l));
    int near = 0;
    for (JsonNode j : rejects) {
      if (j.get("stage").asText().equals("input")) continue;
      JsonNode c = j.get("context");
      assertTrue(c.has("cluster") && c.has("kept_id") && c.has("similarity") && c.has("file") && c.has("line"), j.toString());
      String id = j.get("id").asText();
      String n = id.replaceAll("\\D", "");
      if (j.get("reason").asText().equals("near_duplicate")) {
        near++;
        // the near copy has score 100, so the kept one is the near copy and the base is dropped
        assertEquals("near" + n, c.get("kept_id").asText(), j.toString());
        assertTrue(c.get("similarity").asDouble() >= 0.7, j.toString());
      } else {
        assertEquals("exact_duplicate", j.get("reason").asText());
        assertEquals(1.0, c.get("similarity").asDouble());
      }
    }
    assertEquals(r.near(), near);
    long clusters = Files.readAllLines(tmp.resolve("out/clusters.jsonl")).size();
    assertEquals(r.clusters(), clusters);
    JsonNode manifest = Json.MAPPER.readTree(tmp.resolve("out/manifest.json").toFile());
    assertEquals("curate dedup", manifest.get("command").asText());
    assertEquals(r.kept(), Files.readAllLines(tmp.resolve("out/examples.jsonl")).size());
  }

  @Test
  void outputDoesNotDependOnThreads() throws Exception {
    Path in = tmp.resolve("a.jsonl");
    writeExamples(in, corpus());
    run(tmp.resolve("t1"), 1, List.of(in), List.of());
    run(tmp.resolve("t4"), 4, List.of(in), List.of());
    for (String f : List.of("examples.jsonl", "rejects.jsonl", "clusters.jsonl", "stats.json"))
      assertEquals(Files.readString(tmp.resolve("t1/" + f)), Files.readString(tmp.resolve("t4/" + f)), f);
  }

  @Test
  void decontaminationNamesTheTestPrompt() throws Exception {
    Path train = tmp.resolve("train.jsonl");
    String leaked = "What are some good strategies for learning a second language as an adult with a full time job";
    writeExamples(
        train,
        List.of(
            Example.of("t1", "s", leaked.replace("good", "great") + "?", "answer", null),
            Example.of("t2", "s", "Why is the sky blue during the day but red at sunset", "answer", null),
            Example.of("t3", "s", "How do I reverse a linked list in place", "answer", null)));
    Path test = tmp.resolve("test.jsonl");
    writeExamples(test, List.of(Example.of("q7", "askreddit", leaked, "", null), Example.of("q8", "x", "How do I reverse a linked list in place?", "", null)));
    Dedup.Result r = run(tmp.resolve("out"), 2, List.of(train), List.of(test));
    assertEquals(2, r.contaminated());
    assertEquals(1, r.kept());
    List<String> rejects = Files.readAllLines(tmp.resolve("out/rejects.jsonl"));
    JsonNode first = Json.MAPPER.readTree(rejects.get(0));
    assertEquals("t1", first.get("id").asText());
    assertEquals("contaminated", first.get("reason").asText());
    assertEquals("q7", first.at("/context/test_id").asText());
    assertTrue(first.at("/context/similarity").asDouble() < 1.0 && first.at("/context/similarity").asDouble() > 0.5);
    JsonNode second = Json.MAPPER.readTree(rejects.get(1));
    assertEquals("q8", second.at("/context/test_id").asText());
    assertEquals(1.0, second.at("/context/similarity").asDouble(), "exact after normalisation");
  }
}
