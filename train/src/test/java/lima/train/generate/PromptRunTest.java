package lima.train.generate;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.BadInputException;
import lima.core.Json;
import lima.train.model.TinyModel;
import lima.train.tokenizer.LimaTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptRunTest {
  @TempDir static Path modelDir;
  static Generator g;
  @TempDir Path dir;

  @BeforeAll
  static void load() throws IOException {
    TinyModel.write(modelDir, TinyModel.config(256), 5);
    g = Generator.open(modelDir);
  }

  @AfterAll
  static void close() {
    g.close();
  }

  static final GenerateOptions OPTS = GenerateOptions.DEFAULTS.withMaxNewTokens(12).withSeed(7);

  static List<JsonNode> lines(Path f) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(f)) out.add(Json.MAPPER.readTree(l));
    return out;
  }

  @Test
  void charTokenizerJsonRoundTripsAndHasTheEot() {
    LimaTokenizer t = g.tokenizer();
    assertEquals("tokenizer.json", t.kind());
    assertEquals(TinyModel.CHAR_VOCAB, t.vocabSize());
    assertArrayEquals(new int[] {'h' - 32 + 5, 'i' - 32 + 5, 4}, t.encode("hi\n"));
    assertEquals("hi\n", t.decode(t.encode("hi\n")));
    assertTrue(g.chat().hasDedicatedEot());
    assertEquals(3, g.chat().eot());
  }

  @Test
  void answersEveryPromptThenResumesSkippingDoneOnes() throws IOException {
    Path prompts = dir.resolve("test.jsonl");
    Files.writeString(prompts, """
        {"conversations":["What is a cat?"],"source":"AskReddit"}
        {"conversations":["Hi","Hello!","Tell me a joke"],"source":"multi"}
        {"id":"x7","conversations":["Write a poem.","An old answer"]}
        """);
    Path out = dir.resolve("out.jsonl");
    PromptRun.Result r = PromptRun.run(g, prompts, out, OPTS);
    assertEquals(3, r.generated());
    List<JsonNode> recs = lines(out);
    assertEquals(List.of("test-1", "test-2", "x7"), recs.stream().map(n -> n.get("id").asText()).toList());
    JsonNode multi = recs.get(1);
    assertEquals("Tell me a joke", multi.get("prompt").asText());
    assertEquals(3, multi.get("turns").size());
    assertEquals("Write a poem.", recs.get(2).get("prompt").asText());
    for (JsonNode n : recs) {
      assertTrue(n.get("completion_tokens").asInt() >= 1 && n.get("completion_tokens").asInt() <= 12);
      assertTrue(List.of("eot", "eos", "length").contains(n.get("finish_reason").asText()), n.toString());
      assertTrue(n.has("response") && n.has("prompt_tokens") && n.has("seed"));
    }
    assertEquals(g.chat().prompt(List.of("What is a cat?")).length, recs.get(0).get("prompt_tokens").asInt());

    // Simulate a kill in the middle of writing the third record: resume must drop the fragment and redo it.
    String all = Files.readString(out);
    String[] ls = all.split("\n");
    Files.writeString(out, ls[0] + "\n" + ls[1] + "\n" + ls[2].substring(0, ls[2].length() / 2));
    PromptRun.Result again = PromptRun.run(g, prompts, out, OPTS);
    assertEquals(2, again.skipped());
    assertEquals(1, again.generated());
    assertEquals(all, Files.readString(out), "a resumed run writes the same records (per-prompt seeds)");

    PromptRun.Result none = PromptRun.run(g, prompts, out, OPTS);
    assertEquals(0, none.generated());
    assertEquals(3, none.skipped());
  }

  @Test
  void plainTextPromptsOneALine() throws IOException {
    Path prompts = dir.resolve("prompts.txt");
    Files.writeString(prompts, "first prompt\n\nsecond prompt\n", StandardCharsets.UTF_8);
    Path out = dir.resolve("o.jsonl");
    PromptRun.run(g, prompts, out, OPTS.withTemperature(0));
    List<JsonNode> recs = lines(out);
    assertEquals(List.of("line-1", "line-3"), recs.stream().map(n -> n.get("id").asText()).toList());
    assertEquals("second prompt", recs.get(1).get("prompt").asText());
    // Greedy through the file gives what generate() gives for the same prompt.
    Generation direct = g.generate("second prompt", OPTS.withTemperature(0), TokenListener.NONE);
    assertEquals(direct.text(), recs.get(1).get("response").asText());
  }

  @Test
  void refusesToAppendToAFileThatIsNotOurs() throws IOException {
    Path prompts = dir.resolve("p.txt");
    Files.writeString(prompts, "a\n");
    Path out = dir.resolve("notes.jsonl");
    Files.writeString(out, "hello\n{\"id\":\"x\"}\n");
    var e = assertThrows(BadInputException.class, () -> PromptRun.run(g, prompts, out, OPTS));
    assertEquals(out + ":1: not a generation record (expected a JSON object with \"id\"); refusing to append to this file", e.getMessage());
  }

  @Test
  void theBatchSizeChangesNothingInTheFile() throws IOException {
    Path prompts = dir.resolve("p.txt");
    Files.writeString(prompts, "a\nhello there, how are you?\nxyz\nthe quick brown fox jumps over the lazy dog\nq\n0123456789\n");
    GenerateOptions o = GenerateOptions.DEFAULTS.withMaxNewTokens(20).withSeed(3);
    PromptRun.run(g, prompts, dir.resolve("b1.jsonl"), o, 1);
    PromptRun.Result r = PromptRun.run(g, prompts, dir.resolve("b4.jsonl"), o, 4);
    assertEquals(6, r.generated());
    assertEquals(Files.readString(dir.resolve("b1.jsonl")), Files.readString(dir.resolve("b4.jsonl")));
    List<String> ids = lines(dir.resolve("b4.jsonl")).stream().map(n -> n.get("id").asText()).toList();
    assertEquals(List.of("line-1", "line-2", "line-3", "line-4", "line-5", "line-6"), ids, "records in file order");
    assertTrue(PromptRun.defaultBatch(g) >= 1 && PromptRun.defaultBatch(g) <= 16);
  }
}
