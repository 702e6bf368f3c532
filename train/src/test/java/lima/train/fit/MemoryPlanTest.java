package lima.train.fit;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryPlanTest {
  static final long GIB = 1L << 30;

  @Test
  void partsFollowTheFormulasOnATinyModel() {
    var s = new MemoryPlan.Shape("tiny", 8, 2, 2, 1, 16, 10, true);
    // embed 10x8 + per layer (2 norms 16, q 64, k 32, v 32, o 64, mlp 3*128) + final norm 8
    long perLayer = 16 + 64 + 32 + 32 + 64 + 384;
    assertEquals(80 + 2 * perLayer + 8, s.parameters());
    var p = new MemoryPlan(s, 2, 4, 1L << 20);
    assertEquals(4 * s.parameters(), p.weightBytes());
    assertEquals(p.weightBytes(), p.gradientBytes());
    assertEquals(8 * s.parameters(), p.optimizerBytes());
    long perTok = 4 * 8 + 2 * 8 + 3 * 4 + 2 * 8 + 2 * 8 + 4 * 16;
    assertEquals(perTok, MemoryPlan.activationFloatsPerTokenPerLayer(s));
    long tokens = 8;
    long expectAct = 4 * (2 * (perTok * tokens + 2L * 2 * 4 * tokens) + 3L * 10 * tokens);
    assertEquals(expectAct, p.activationBytes());
    assertTrue(p.fits());
  }

  @Test
  void sevenBillionMatchesLlamaParameterCount() {
    assertEquals(6_738_415_616L, MemoryPlan.Shape.preset("7b").parameters());
    assertEquals(65_285_660_672L, MemoryPlan.Shape.preset("65b").parameters());
  }

  @Test
  void sixtyFiveBillionNeedsAShardedRun() {
    var p = new MemoryPlan(MemoryPlan.Shape.preset("65b"), 1, 2048, 80 * GIB);
    assertFalse(p.fits());
    // fp32 activations of 2,048 tokens through 80 layers (~300 GiB) cannot fit a GPU unsharded
    assertTrue(p.activationBytes() > 80 * GIB);
    assertEquals(-1, p.shardedGpus(80 * GIB));
    int n = p.shardedGpus(80 * GIB, true);
    // 16 bytes per parameter = ~973 GiB of state: more than 13 GPUs of 72 usable GiB
    assertTrue(n >= 14 && n <= 24, "gpus " + n);
    long usable = (long) (80 * GIB * 0.9);
    long perGpu = (p.weightBytes() + p.gradientBytes() + p.optimizerBytes()) / n + p.checkpointedActivationBytes();
    assertTrue(perGpu <= usable, "per-GPU share must fit");
    String r = p.report("gpu", 80 * GIB);
    assertTrue(r.contains("ZeRO-3 / FSDP over at least " + n + " GPUs of 80.00 GiB with activation checkpointing"), r);
  }

  @Test
  void readsAHuggingFaceConfig(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"),
        "{\"hidden_size\":64,\"num_hidden_layers\":5,\"num_attention_heads\":8,\"num_key_value_heads\":4,"
            + "\"intermediate_size\":172,\"vocab_size\":512,\"tie_word_embeddings\":true}");
    var s = MemoryPlan.Shape.read(dir);
    assertEquals(4, s.kvHeads());
    assertTrue(s.tied());
    assertEquals(512 * 64 + 5 * (128 + 64 * 64 * 2 + 2 * 32 * 64 + 3 * 64 * 172) + 64, s.parameters());
  }
}
