package lima.train.chat;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.TestData;
import lima.train.tokenizer.FakeTokenizer;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatFormatTest {
  // FakeTokenizer: 'a'=69, 'b'=70, 'c'=71, 'd'=72 (char - 32 + 4); BOS 1, EOS 2, EOT 3.
  @Test
  void layoutIsBosThenEachUtteranceAndEot() {
    ChatFormat f = ChatFormat.of(new FakeTokenizer(true));
    assertTrue(f.hasDedicatedEot());
    assertEquals(3, f.eot());
    ChatFormat.Rendered r = f.render(List.of("ab", "c", "d", ""));
    assertArrayEquals(new int[] {1, 69, 70, 3, 71, 3, 72, 3, 3}, r.ids());
    assertArrayEquals(new boolean[] {false, false, false, false, true, true, false, false, true}, r.trained());
    assertEquals(3, r.trainedCount());
  }

  @Test
  void promptEndsWithTheUserEot() {
    ChatFormat f = ChatFormat.of(new FakeTokenizer(true));
    assertArrayEquals(new int[] {1, 69, 3}, f.prompt("a"));
    assertArrayEquals(new int[] {1, 69, 3, 70, 3, 71, 3}, f.prompt(List.of("a", "b", "c")));
    assertArrayEquals(new int[] {1, 3}, f.prompt(""));
    var e = assertThrows(IllegalArgumentException.class, () -> f.prompt(List.of("a", "b")));
    assertTrue(e.getMessage().contains("must end with a user turn"));
    assertArrayEquals(new int[] {3, 2}, f.stopIds());
  }

  @Test
  void eosStandsInForEotWhenTheTokenizerHasNone() {
    ChatFormat f = ChatFormat.of(new FakeTokenizer(false));
    assertFalse(f.hasDedicatedEot());
    assertEquals(2, f.eot());
    assertArrayEquals(new int[] {1, 69, 2, 70, 2}, f.render(List.of("a", "b")).ids());
    assertArrayEquals(new int[] {2}, f.stopIds());
    assertTrue(f.describe().contains("EOS=2"), f.describe());
  }

  @Test
  @Tag("real-data")
  void addedEotOfASentencePieceModelAndSegmentsTokenizedAlone(@TempDir Path dir) throws IOException {
    Path sp = TestData.real("models/llama2c-tokenizer/tokenizer.model");
    Assumptions.assumeTrue(Files.exists(sp), "skipped: " + sp + " is absent");
    Files.copy(sp, dir.resolve("tokenizer.model"));
    Files.writeString(dir.resolve("tokenizer_config.json"),
        "{\"bos_token\":\"<s>\",\"eos_token\":\"</s>\",\"added_tokens_decoder\":{\"32000\":{\"content\":\"<|eot|>\",\"special\":true}}}");
    try (LimaTokenizer tok = Tokenizers.open(dir)) {
      assertEquals(32001, tok.vocabSize());
      assertEquals(32000, tok.id("<|eot|>"));
      assertEquals(32000, tok.specialTokens().get("<|eot|>"));
      ChatFormat f = ChatFormat.of(tok);
      assertEquals(32000, f.eot());
      ChatFormat.Rendered r = f.render(List.of("Hello world", "Hello"));
      // "Hello world" -> 15043 3186 and "Hello" -> 15043, each with its own dummy prefix.
      assertArrayEquals(new int[] {1, 15043, 3186, 32000, 15043, 32000}, r.ids());
      assertEquals("Hello worldHello", tok.decode(r.ids()));
      assertEquals("<s>Hello world<|eot|>Hello<|eot|>", tok.decode(r.ids(), false));
      // The EOT string inside user text stays text.
      assertFalse(java.util.Arrays.stream(tok.encode("a <|eot|> b")).anyMatch(i -> i == 32000));
    }
  }
}
