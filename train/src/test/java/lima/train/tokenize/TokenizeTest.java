package lima.train.tokenize;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.TestData;
import lima.train.chat.ChatFormat;
import lima.train.data.TokenizedDataset;
import lima.train.data.TokenizedExample;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeTest {
  static final String[] WORDS = WordTokenizer.WORDS;

  static Path wordModel(Path dir) throws Exception {
    return WordTokenizer.write(dir);
  }

  static Path jsonl(Path f, String... lines) throws Exception {
    Files.writeString(f, String.join("\n", lines) + "\n");
    return f;
  }

  static TokenizeRun tokenize(Path data, Path model, Path out, int maxLen) throws Exception {
    try (RunDir run = RunDir.open(new RunDir.Options(out, false, 0, -1))) {
      return new TokenizeRun(Tokenize.run(List.of(data), model, maxLen, run));
    }
  }

  record TokenizeRun(Tokenize.Result r) {}

  @Test
  void masksCoverAssistantTurnsAndTheirEotTokenByToken(@TempDir Path tmp) throws Exception {
    Path model = wordModel(tmp.resolve("m"));
    Path data = jsonl(tmp.resolve("d.jsonl"),
        "{\"conversations\":[\"hi there\",\"hello you\",\"more\",\"ok\"],\"source\":\"x\",\"id\":\"c1\"}",
        "{\"conversations\":[\"a b c a b c\",\"c b a\"],\"source\":\"y\",\"id\":\"c2\"}",
        "{\"conversations\":[\"only a prompt\"],\"source\":\"y\",\"id\":\"c3\"}");
    var r = tokenize(data, model, tmp.resolve("o"), 8).r();
    int eot = WORDS.length; // appended after the vocabulary
    assertEquals(eot, r.eotId());
    assertEquals(2, r.examples());
    assertEquals(2, r.trimmed());
    try (TokenizedDataset ds = TokenizedDataset.open(tmp.resolve("o"))) {
      TokenizedExample a = ds.get(0);
      // BOS hi there EOT | hello you EOT | more EOT | ok EOT ; max-len 8 trims the last three tokens
      assertArrayEquals(new int[] {1, 3, 4, eot, 5, 6, eot, 7}, a.ids());
      assertArrayEquals(new boolean[] {false, false, false, false, true, true, true, false}, a.trained());
      assertEquals(11, a.originalLength());
      TokenizedExample b = ds.get(1);
      assertArrayEquals(new int[] {1, 9, 10, 11, 9, 10, 11, eot}, b.ids());
      assertArrayEquals(new boolean[8], b.trained(), "the assistant turn is trimmed away entirely");
      assertEquals(12, b.originalLength());
    }
    // the saved tokenizer has the new special token, as HF saves it
    JsonNode tj = Json.MAPPER.readTree(tmp.resolve("o/tokenizer/tokenizer.json").toFile());
    JsonNode last = tj.get("added_tokens").get(3);
    assertEquals(ChatFormat.EOT_TOKEN, last.get("content").asText());
    assertEquals(eot, last.get("id").asInt());
    assertTrue(last.get("special").asBoolean());
    JsonNode cfg = Json.MAPPER.readTree(tmp.resolve("o/tokenizer/tokenizer_config.json").toFile());
    assertEquals(ChatFormat.EOT_TOKEN, cfg.get("added_tokens_decoder").get(Integer.toString(eot)).get("content").asText());
    JsonNode map = Json.MAPPER.readTree(tmp.resolve("o/tokenizer/special_tokens_map.json").toFile());
    assertEquals(ChatFormat.EOT_TOKEN, map.get("additional_special_tokens").get(0).asText());
    try (LimaTokenizer t = Tokenizers.open(tmp.resolve("o/tokenizer"))) {
      assertEquals(eot, t.id(ChatFormat.EOT_TOKEN));
      assertEquals(eot + 1, t.vocabSize());
    }
    JsonNode ds = Json.MAPPER.readTree(tmp.resolve("o/dataset.json").toFile());
    assertEquals(eot + 1, ds.get("vocab_size").asInt());
    assertTrue(Files.isRegularFile(tmp.resolve("o/manifest.json")));
    assertTrue(Files.readString(tmp.resolve("o/rejects.jsonl")).contains("no_assistant_turn"));
  }

  @Test
  void examplesAreTrimmedAtTheModelsPositionsWhenThoseAreFewer(@TempDir Path tmp) throws Exception {
    Path model = wordModel(tmp.resolve("m"));
    Files.writeString(model.resolve("config.json"), "{\"max_position_embeddings\": 6}");
    Path data = jsonl(tmp.resolve("d.jsonl"), "{\"conversations\":[\"hi there\",\"hello you\",\"more\",\"ok\"],\"source\":\"x\"}");
    var r = tokenize(data, model, tmp.resolve("o"), 2048).r();
    assertEquals(6, r.maxLen(), "the length actually applied");
    assertEquals(1, r.trimmed());
    try (TokenizedDataset ds = TokenizedDataset.open(tmp.resolve("o"))) {
      assertEquals(6, ds.get(0).length());
      assertEquals(11, ds.get(0).originalLength());
    }
    assertEquals(6, Json.MAPPER.readTree(tmp.resolve("o/dataset.json").toFile()).get("max_len").asInt());
    assertEquals(4, tokenize(data, model, tmp.resolve("o4"), 4).r().maxLen(), "a --max-len below the positions wins");
  }

  @Test
  void renderMarksTrainedSpans(@TempDir Path tmp) throws Exception {
    Path model = wordModel(tmp.resolve("m"));
    Path data = jsonl(tmp.resolve("d.jsonl"), "{\"conversations\":[\"hi there\",\"hello you\"],\"source\":\"x\"}");
    tokenize(data, model, tmp.resolve("o"), 2048);
    try (TokenizedDataset ds = TokenizedDataset.open(tmp.resolve("o")); LimaTokenizer t = Tokenizers.open(tmp.resolve("o/tokenizer"))) {
      String plain = Render.render(ds, t, 5, false);
      assertTrue(plain.contains("[[hello you <|eot|>]]"), plain);
      assertFalse(plain.contains("[[hi"), plain);
      String ansi = Render.render(ds, t, 5, true);
      assertTrue(ansi.contains(Render.GREEN + "hello you <|eot|>" + Render.RESET), ansi);
    }
  }

  @Test
  @Tag("real-data")
  void sentencePieceModelGetsAddedTokensJson(@TempDir Path tmp) throws Exception {
    Path model = TestData.real("models/stories260K-hf-DERIVED");
    Assumptions.assumeTrue(Files.isDirectory(model), "skipped: " + model + " is not available");
    Path data = jsonl(tmp.resolve("d.jsonl"), "{\"conversations\":[\"Tell me a story.\",\"Once upon a time there was a cat.\"],\"source\":\"x\"}");
    var r = tokenize(data, model, tmp.resolve("o"), 2048).r();
    assertEquals(512, r.eotId());
    JsonNode added = Json.MAPPER.readTree(tmp.resolve("o/tokenizer/added_tokens.json").toFile());
    assertEquals(512, added.get(ChatFormat.EOT_TOKEN).asInt());
    try (TokenizedDataset ds = TokenizedDataset.open(tmp.resolve("o")); LimaTokenizer t = Tokenizers.open(tmp.resolve("o/tokenizer"))) {
      TokenizedExample e = ds.get(0);
      int[] prompt = t.encode("Tell me a story.");
      int[] answer = t.encode("Once upon a time there was a cat.");
      assertEquals(1 + prompt.length + 1 + answer.length + 1, e.length());
      assertEquals(1, e.ids()[0]);
      assertEquals(512, e.ids()[prompt.length + 1]);
      assertEquals(512, e.ids()[e.length() - 1]);
      assertEquals(answer.length + 1, e.trainedTokens());
      assertTrue(e.trained()[e.length() - 1]);
      assertFalse(e.trained()[prompt.length + 1]);
    }
  }
}
