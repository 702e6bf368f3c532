package lima.train.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.TestData;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real pretrained stories260K (as a Hugging Face folder) decoded greedily from BOS, as llama2.c's
 * {@code run stories260K.bin -z tok512.bin -t 0} does with its default 256 steps (256 new tokens), must
 * reproduce REFERENCE_GREEDY.txt exactly.
 */
@Tag("real-data")
class Stories260KTest {
  @Test
  void greedyDecodingReproducesTheReference() throws IOException {
    Path dir = TestData.real("models/stories260K-hf-DERIVED");
    Path ref = TestData.real("models/stories260K/REFERENCE_GREEDY.txt");
    Assumptions.assumeTrue(Files.isDirectory(dir) && Files.exists(ref), "skipped: stories260K files are absent");
    String want = Files.readString(ref);
    try (NDManager manager = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
        LlamaModel m = LlamaModel.load(dir, manager);
        KvCache cache = m.newCache();
        LimaTokenizer tok = Tokenizers.open(dir)) {
      assertEquals("sentencepiece", tok.kind());
      int[] out = new int[256];
      int next = tok.bos();
      for (int i = 0; i < out.length; i++) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray logits = m.forward(manager.create(new long[] {next}, new Shape(1, 1)), cache, false, true);
          float[] l = logits.toFloatArray();
          int best = 0;
          for (int j = 1; j < l.length; j++) if (l[j] > l[best]) best = j;
          next = best;
        }
        out[i] = next;
      }
      String got = tok.decode(out);
      assertEquals(want.strip(), got.strip());
    }
  }

  @Test
  void generatorGreedyFromBosGivesTheSameTextAndRawContinuationKeepsItsSpace() throws IOException {
    Path dir = TestData.real("models/stories260K-hf-DERIVED");
    Path ref = TestData.real("models/stories260K/REFERENCE_GREEDY.txt");
    Assumptions.assumeTrue(Files.isDirectory(dir) && Files.exists(ref), "skipped: stories260K files are absent");
    var greedy = lima.train.generate.GenerateOptions.DEFAULTS.withTemperature(0).withRepetitionPenalty(1f).withMaxNewTokens(256);
    try (var g = lima.train.generate.Generator.open(dir)) {
      assertFalse(g.chat().hasDedicatedEot(), "stories260K has no <|eot|>: EOS stands in");
      var out = g.generate("", greedy, lima.train.generate.TokenListener.NONE);
      assertEquals(Files.readString(ref).strip(), out.text().strip());
      assertEquals(1, out.promptTokens());
      assertEquals(lima.train.generate.FinishReason.LENGTH, out.finishReason());
      // "Once upon a time" continued as plain text starts with the space before the next word.
      var cont = g.generate("Once upon a time", greedy.withRaw(true).withMaxNewTokens(5), lima.train.generate.TokenListener.NONE);
      assertEquals(", there was a little", cont.text());
      var stop = g.generate("", greedy.withStop(java.util.List.of("Lily")), lima.train.generate.TokenListener.NONE);
      assertEquals("Once upon a time, there was a little girl named ", stop.text());
      assertEquals(lima.train.generate.FinishReason.STOP_STRING, stop.finishReason());
    }
  }
}
