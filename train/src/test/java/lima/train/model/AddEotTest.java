package lima.train.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.TestData;
import lima.train.chat.ChatFormat;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generator;
import lima.train.generate.TokenListener;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddEotTest {
  @TempDir Path dir;

  @Test
  void addsTheTokenAndAMeanRowKeepingOtherLogits() throws IOException {
    Path src = dir.resolve("base"), dst = dir.resolve("eot");
    TinyModel.write(src, TinyModel.config(64), 8, false);
    try (LimaTokenizer t = Tokenizers.open(src)) {
      assertEquals(-1, t.id(ChatFormat.EOT_TOKEN));
      assertEquals(100, t.vocabSize());
    }
    AddEot.Result r = AddEot.run(src, dst);
    assertEquals(100, r.eotId());
    assertEquals(101, r.newVocab());
    assertEquals(101, LlamaConfig.read(dst).vocabSize());
    try (LimaTokenizer t = Tokenizers.open(dst)) {
      assertEquals(100, t.id(ChatFormat.EOT_TOKEN));
      assertEquals(101, t.vocabSize());
      assertEquals("ab", t.decode(new int[] {1, t.encode("a")[0], 100, t.encode("b")[0]}));
      assertTrue(ChatFormat.of(t).hasDedicatedEot());
    }
    long[] ids = {1, 40, 41, 7, 99};
    try (NDManager m = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
        LlamaModel a = LlamaModel.load(src, m);
        LlamaModel b = LlamaModel.load(dst, m)) {
      float[] la = a.forward(m.create(ids, new Shape(1, 5)), null, false, true).toFloatArray();
      float[] lb = b.forward(m.create(ids, new Shape(1, 5)), null, false, true).toFloatArray();
      assertEquals(101, lb.length);
      double mean = 0;
      for (int i = 0; i < 100; i++) {
        assertEquals(la[i], lb[i], 1e-5f, "logit " + i);
        mean += la[i] / 100;
      }
      assertEquals(mean, lb[100], 1e-4, "the new row is the mean row, so its logit is the mean logit");
    }
    // Running it again on the result changes nothing.
    AddEot.Result again = AddEot.run(dst, dir.resolve("again"));
    assertEquals(100, again.eotId());
    assertEquals(101, again.newVocab());
  }

  @Test
  @Tag("real-data")
  void storiesWithEotStillTellsTheSameStory() throws IOException {
    Path src = TestData.real("models/stories260K-hf-DERIVED");
    Path ref = TestData.real("models/stories260K/REFERENCE_GREEDY.txt");
    Assumptions.assumeTrue(Files.isDirectory(src) && Files.exists(ref), "skipped: stories260K files are absent");
    AddEot.Result r = AddEot.run(src, dir.resolve("s"));
    assertEquals(512, r.eotId());
    try (Generator g = Generator.open(dir.resolve("s"))) {
      assertEquals(512, g.chat().eot());
      var out = g.generate("", GenerateOptions.DEFAULTS.withTemperature(0).withRepetitionPenalty(1f).withMaxNewTokens(40), TokenListener.NONE);
      assertTrue(Files.readString(ref).startsWith(out.text()), out.text());
      assertTrue(out.text().length() > 100, out.text());
    }
  }
}
