package lima.train.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import lima.core.BadInputException;
import lima.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecialTokensTest {
  @TempDir Path dir;

  @Test
  void readsStringAndObjectFormsAndAddedTokensConfigFirst() throws IOException {
    Files.writeString(dir.resolve("tokenizer_config.json"), """
        {"bos_token": {"content": "<s>", "special": true}, "eos_token": "</s>",
         "added_tokens_decoder": {"32000": {"content": "<|eot|>", "special": true}, "32001": {"content": "<x>", "special": false}}}
        """);
    Files.writeString(dir.resolve("special_tokens_map.json"), "{\"eos_token\": \"<other>\", \"unk_token\": {\"content\": \"<unk>\"}, \"pad_token\": \"</s>\"}");
    Files.writeString(dir.resolve("added_tokens.json"), "{\"<y>\": 32002, \"<|eot|>\": 32000}");
    SpecialTokens st = SpecialTokens.read(dir);
    assertEquals("<s>", st.bos());
    assertEquals("</s>", st.eos(), "tokenizer_config.json wins");
    assertEquals("<unk>", st.unk());
    assertEquals("</s>", st.pad());
    assertEquals(Map.of(32000, "<|eot|>", 32001, "<x>", 32002, "<y>"), st.added());
    assertEquals(Set.of(32000), st.specialAdded());
  }

  @Test
  void missingFilesAreFineBadJsonIsNamed() throws IOException {
    assertEquals(SpecialTokens.NONE.added(), SpecialTokens.read(dir).added());
    Files.writeString(dir.resolve("tokenizer_config.json"), "{not json");
    var e = assertThrows(BadInputException.class, () -> SpecialTokens.read(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("tokenizer_config.json") + ": not valid JSON"), e.getMessage());
  }

  @Test
  @Tag("real-data")
  void llama2ChatTokenizerFolder() throws IOException {
    Path d = TestData.real("models/llama2-tokenizer-hf-ortgenai");
    Assumptions.assumeTrue(Files.isDirectory(d), "skipped: " + d + " is absent");
    try (LimaTokenizer t = Tokenizers.open(d)) {
      assertEquals("tokenizer.json", t.kind());
      assertEquals(32000, t.vocabSize());
      assertEquals(1, t.bos());
      assertEquals(2, t.eos());
      assertEquals(0, t.unk());
      assertEquals(Map.of("<s>", 1, "</s>", 2, "<unk>", 0), Map.copyOf(t.specialTokens()));
      assertArrayEquals(new int[] {15043, 3186}, t.encode("Hello world"));
      assertEquals(-1, t.id("<|eot|>"));
    }
  }
}
