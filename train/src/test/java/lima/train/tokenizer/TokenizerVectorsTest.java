package lima.train.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lima.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * llama.cpp's LLaMA tokenizer test vectors ({@code ggml-vocab-llama-spm.gguf.inp/.out}: inputs separated
 * by {@code __ggml_vocab_test__} lines, one line of expected ids each) against both our tokenizers.
 */
@Tag("real-data")
class TokenizerVectorsTest {
  static final Path DIR = TestData.real("models/llama.cpp-vocab-llama-spm");
  static final Path SP = TestData.real("models/llama2c-tokenizer/tokenizer.model");
  static final Path JSON = TestData.real("models/llama-tokenizer-json-dolma/llama-test-tokenizer.json");

  record Case(String text, int[] ids) {}

  static List<Case> cases() throws IOException {
    String inp = Files.readString(DIR.resolve("ggml-vocab-llama-spm.gguf.inp"), StandardCharsets.UTF_8);
    String[] texts = inp.split("\n__ggml_vocab_test__\n", -1);
    String[] outs = Files.readString(DIR.resolve("ggml-vocab-llama-spm.gguf.out")).split("\n", -1);
    assertEquals(texts.length, outs.length, "inputs and expected lines");
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < texts.length - 1; i++) { // both files end with a separator
      String o = outs[i].trim();
      int[] ids = o.isEmpty() ? new int[0] : Arrays.stream(o.split(" ")).mapToInt(Integer::parseInt).toArray();
      cases.add(new Case(texts[i], ids));
    }
    return cases;
  }

  static void assume(Path p) {
    Assumptions.assumeTrue(Files.isDirectory(DIR) && Files.exists(p), "skipped: " + p + " or the llama.cpp vectors are absent");
  }

  void check(LimaTokenizer tok) throws IOException {
    List<Case> cases = cases();
    assertEquals(46, cases.size());
    int checked = 0;
    for (Case c : cases) {
      assertArrayEquals(c.ids(), tok.encode(c.text()), () -> "ids of " + Arrays.toString(c.text().codePoints().limit(40).toArray()) + " \"" + c.text() + "\"");
      checked++;
    }
    assertEquals(46, checked);
  }

  @Test
  void sentencePieceModelMatchesLlamaCpp() throws IOException {
    assume(SP);
    try (LimaTokenizer tok = Tokenizers.open(SP)) {
      assertEquals("sentencepiece", tok.kind());
      check(tok);
    }
  }

  @Test
  void tokenizerJsonMatchesLlamaCpp() throws IOException {
    assume(JSON);
    try (LimaTokenizer tok = Tokenizers.open(JSON)) {
      assertEquals("tokenizer.json", tok.kind());
      check(tok);
    }
  }

  @Test
  void sentencePieceVocabularyAndSpecials() throws IOException {
    assume(SP);
    try (LimaTokenizer tok = Tokenizers.open(SP)) {
      assertEquals(32000, tok.vocabSize());
      assertEquals(1, tok.bos());
      assertEquals(2, tok.eos());
      assertEquals(0, tok.unk());
      assertEquals("▁Hello", tok.piece(15043));
      assertEquals(15043, tok.id("▁Hello"));
      assertEquals(-1, tok.id("no-such-piece-here"));
      assertEquals("<0x0A>", tok.piece(13));
      assertEquals(1, tok.specialTokens().get("<s>"));
      String text = "Hello, y'all! How are you 😁 ?我想在apple工作1314151天～";
      assertEquals(text, tok.decode(tok.encode(text)));
      int[] withSpecials = {1, 15043, 3186, 2};
      assertEquals("Hello world", tok.decode(withSpecials));
      assertEquals("<s>Hello world</s>", tok.decode(withSpecials, false));
    }
  }

  @Test
  void tokenizerJsonVocabularyAddedTokensAndNoTruncation() throws IOException {
    assume(JSON);
    try (LimaTokenizer tok = Tokenizers.open(JSON)) {
      assertEquals(32003, tok.vocabSize());
      assertEquals(32000, tok.id("|||EMAIL_ADDRESS|||"));
      assertEquals(1, tok.bos());
      assertEquals(2, tok.eos());
      assertEquals("▁Hello", tok.piece(15043));
      // DJL truncates at 512 by default: ours must not.
      String longText = String.join(" ", java.util.Collections.nCopies(1500, "hello"));
      assertEquals(1500, tok.encode(longText).length);
      assertEquals(longText.strip(), tok.decode(tok.encode(longText)).strip());
    }
  }
}
