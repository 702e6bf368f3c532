package lima.train.model;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.BadInputException;
import lima.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaConfigTest {
  @TempDir Path dir;

  @Test
  void writesAndReadsBack() throws IOException {
    LlamaConfig c = LlamaConfig.of(64, 2, 8, 4, 172, 512, 128, true);
    c.write(dir);
    assertEquals(c, LlamaConfig.read(dir));
    assertEquals(8, c.headDim());
    assertEquals(2, c.kvGroups());
  }

  @Test
  void parameterCountFollowsTheLayout() {
    // 110M-class LLaMA: dim 768, 12 layers, 12 heads, ffn 2048, vocab 32000, untied.
    LlamaConfig c = LlamaConfig.of(768, 12, 12, 12, 2048, 32000, 1024, false);
    long perLayer = 4L * 768 * 768 + 3L * 768 * 2048 + 2 * 768;
    assertEquals(2L * 32000 * 768 + 12 * perLayer + 768, c.parameterCount());
  }

  @Test
  void rejectsBadConfigsWithTheFileAndField() throws IOException {
    Path f = dir.resolve("config.json");
    Files.writeString(f, "{\"model_type\":\"llama\",\"hidden_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":8,\"num_key_value_heads\":3,\"intermediate_size\":10,\"vocab_size\":10}");
    var e = assertThrows(BadInputException.class, () -> LlamaConfig.read(dir));
    assertEquals(f + ": num_key_value_heads (3) must divide num_attention_heads (8)", e.getMessage());
    Files.writeString(f, "{\"model_type\":\"gpt2\"}");
    e = assertThrows(BadInputException.class, () -> LlamaConfig.read(dir));
    assertTrue(e.getMessage().contains("only \"llama\""), e.getMessage());
    Files.writeString(f, "{\"hidden_size\":64,\"num_attention_heads\":8,\"intermediate_size\":10,\"vocab_size\":10}");
    e = assertThrows(BadInputException.class, () -> LlamaConfig.read(dir));
    assertEquals(f + ": missing or non-integer \"num_hidden_layers\"", e.getMessage());
  }

  @Test
  @Tag("real-data")
  void readsRealConfigs() throws IOException {
    Path tiny = TestData.real("models/tinyllama-chat-configs");
    Path stories = TestData.real("models/stories260K-hf-DERIVED");
    Assumptions.assumeTrue(Files.isDirectory(tiny) && Files.isDirectory(stories), "skipped: ../shared/real/models is absent");
    LlamaConfig t = LlamaConfig.read(tiny);
    assertEquals(2048, t.hiddenSize());
    assertEquals(22, t.numHiddenLayers());
    assertEquals(4, t.numKeyValueHeads());
    assertEquals(64, t.headDim());
    assertFalse(t.tieWordEmbeddings());
    assertEquals("bfloat16", t.torchDtype());
    assertEquals(List.of(2), t.eosTokenIds());
    assertEquals(1_100_048_384L, t.parameterCount()); // TinyLlama-1.1B
    LlamaConfig s = LlamaConfig.read(stories);
    assertTrue(s.tieWordEmbeddings());
    assertEquals(512, s.vocabSize());
    assertEquals(1e-5, s.rmsNormEps());
  }
}
