package lima.train.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.BadInputException;
import lima.train.safetensors.DType;
import lima.train.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaModelTest {
  static NDManager manager;

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  @TempDir Path dir;

  static final int[] IDS = {1, 17, 42, 3, 3, 29, 8, 49, 0, 12, 33, 21};

  static LlamaConfig tiny(boolean tied) {
    // GQA (4 query heads over 2 key/value heads), odd intermediate size.
    return new LlamaConfig(32, 2, 4, 2, 44, 1e-5, 10000.0, tied, 1, List.of(2), 64, 50, 8, "float32");
  }

  static float[][] logits(LlamaModel m, int[] ids) {
    NDArray x = manager.create(toLong(ids), new Shape(1, ids.length));
    NDArray out = m.forward(x, null, false, false);
    float[] flat = out.toFloatArray();
    int v = m.config().vocabSize();
    float[][] r = new float[ids.length][v];
    for (int t = 0; t < ids.length; t++) System.arraycopy(flat, t * v, r[t], 0, v);
    out.close();
    x.close();
    return r;
  }

  static long[] toLong(int[] a) {
    long[] l = new long[a.length];
    for (int i = 0; i < a.length; i++) l[i] = a[i];
    return l;
  }

  static void assertClose(double[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what);
    double maxAbs = 0;
    for (double w : want) maxAbs = Math.max(maxAbs, Math.abs(w));
    assertTrue(maxAbs > 1e-3, what + ": reference logits are all ~0");
    for (int i = 0; i < want.length; i++)
      assertEquals(want[i], got[i], tol * Math.max(1, maxAbs), what + " logit " + i);
  }

  @Test
  void writtenThenReadBackMatchesThePlainJavaReference() throws IOException {
    for (boolean tied : new boolean[] {false, true}) {
      Path d = dir.resolve("tied-" + tied);
      try (LlamaModel m = LlamaModel.random(tiny(tied), manager, 7)) {
        m.save(d, DType.F32);
      }
      assertEquals(tied, !Files.readString(d.resolve("model.safetensors"), java.nio.charset.StandardCharsets.ISO_8859_1).contains("lm_head.weight"));
      ReferenceLlama ref = new ReferenceLlama(d);
      double[][] want = ref.logits(IDS);
      try (LlamaModel m = LlamaModel.load(d, manager)) {
        float[][] got = logits(m, IDS);
        for (int t : new int[] {0, 1, 5, 11}) assertClose(want[t], got[t], 1e-4, "tied=" + tied + " position " + t);
      }
    }
  }

  @Test
  void bf16CheckpointLoadsAsWidenedFp32() throws IOException {
    try (LlamaModel m = LlamaModel.random(tiny(false), manager, 11)) {
      m.save(dir, DType.BF16);
    }
    ReferenceLlama ref = new ReferenceLlama(dir);
    double[][] want = ref.logits(IDS);
    try (LlamaModel m = LlamaModel.load(dir, manager)) {
      float[][] got = logits(m, IDS);
      assertClose(want[11], got[11], 1e-4, "bf16 position 11");
    }
  }

  @Test
  void cachedDecodingAgreesWithWholeSequence() {
    try (LlamaModel m = LlamaModel.random(tiny(false), manager, 3); KvCache cache = m.newCache()) {
      float[][] full = logits(m, IDS);
      // Prefill five tokens, then one at a time (the cache grows past its first capacity of 64? no: 12).
      NDArray pre = manager.create(toLong(java.util.Arrays.copyOf(IDS, 5)), new Shape(1, 5));
      float[] last = m.forward(pre, cache, false, true).toFloatArray();
      assertEquals(50, last.length);
      assertClose(toDouble(full[4]), last, 1e-5, "prefill last");
      for (int t = 5; t < IDS.length; t++) {
        NDArray one = manager.create(new long[] {IDS[t]}, new Shape(1, 1));
        float[] got = m.forward(one, cache, false, true).toFloatArray();
        assertClose(toDouble(full[t]), got, 1e-5, "cached position " + t);
      }
      assertEquals(IDS.length, cache.length());
    }
  }

  @Test
  void cacheGrowsBeyondItsFirstCapacity() {
    LlamaConfig c = new LlamaConfig(16, 1, 2, 1, 20, 1e-5, 10000.0, true, 1, List.of(2), 200, 30, 8, "float32");
    int[] ids = new int[150];
    for (int i = 0; i < ids.length; i++) ids[i] = (i * 7 + 3) % 30;
    try (LlamaModel m = LlamaModel.random(c, manager, 5); KvCache cache = m.newCache()) {
      float[][] full = logits(m, ids);
      for (int t = 0; t < ids.length; t++) {
        float[] got = m.forward(manager.create(new long[] {ids[t]}, new Shape(1, 1)), cache, false, true).toFloatArray();
        if (t == 0 || t == 63 || t == 64 || t == 149) assertClose(toDouble(full[t]), got, 1e-5, "position " + t);
      }
    }
  }

  @Test
  void trainsWithAutogradAndDropoutOnlyInTraining() {
    try (LlamaModel m = LlamaModel.random(tiny(false), manager, 9)) {
      for (Parameter p : m.hfParameters().values()) p.getArray().setRequiresGradient(true);
      m.setResidualDropout(new float[] {0.0f, 0.5f});
      NDArray ids = manager.create(toLong(IDS), new Shape(1, IDS.length));
      float[] evalA = m.forward(ids, null, false, false).toFloatArray();
      float[] evalB = m.forward(ids, null, false, false).toFloatArray();
      assertArrayEquals(evalA, evalB, "no dropout outside training");
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray logits = m.forward(ids, null, true, false);
        float[] train = logits.toFloatArray();
        assertFalse(java.util.Arrays.equals(evalA, train), "dropout 0.5 changes the training pass");
        NDArray loss = logits.logSoftmax(-1).get(":, :, 5").mean().neg();
        gc.backward(loss);
      }
      for (var e : m.hfParameters().entrySet()) {
        float[] g = e.getValue().getArray().getGradient().toFloatArray();
        double s = 0;
        for (float f : g) s += Math.abs(f);
        assertTrue(s > 0 && Double.isFinite(s), "gradient of " + e.getKey() + " is " + s);
      }
    }
  }

  @Test
  void djlBlockForwardPathMatchesAndInitializeMarksParametersTrainable() {
    try (LlamaModel m = LlamaModel.random(tiny(true), manager, 4); NDManager sub = manager.newSubManager()) {
      NDArray ids = sub.create(toLong(IDS), new Shape(1, IDS.length));
      float[] direct = m.forward(ids, null, false, false).toFloatArray();
      var out = m.forward(new ai.djl.training.ParameterStore(sub, false), new ai.djl.ndarray.NDList(ids), false);
      assertArrayEquals(direct, out.singletonOrThrow().toFloatArray(), 1e-6f);
      assertArrayEquals(new Shape[] {new Shape(2, 12, 50)}, m.getOutputShapes(new Shape[] {new Shape(2, 12)}));
      assertFalse(m.hfParameters().get("model.norm.weight").getArray().hasGradient(), "inference leaves weights frozen");
      m.initialize(sub, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, IDS.length)); // what Trainer.initialize does
      for (Parameter p : m.hfParameters().values()) assertTrue(p.getArray().hasGradient(), p.getName() + " is trainable after initialize");
      assertEquals(tiny(true).parameterCount(), m.hfParameters().values().stream().mapToLong(p -> p.getArray().size()).sum());
    }
  }

  @Test
  void checkpointNamesAndShapesAreCheckedAgainstTheConfig() throws IOException {
    LlamaConfig c = tiny(true);
    c.write(dir);
    new SafetensorsWriter().add("model.embed_tokens.weight", new long[] {50, 32}, new float[50 * 32]).write(dir);
    var e = assertThrows(BadInputException.class, () -> LlamaModel.load(dir, manager));
    assertEquals(dir + ": missing tensor model.layers.0.input_layernorm.weight (config.json implies shape [32])", e.getMessage());
    SafetensorsWriter w = new SafetensorsWriter();
    for (var t : c.expectedTensors().entrySet()) {
      long[] s = t.getKey().equals("model.norm.weight") ? new long[] {31} : t.getValue();
      long n = 1;
      for (long x : s) n *= x;
      w.add(t.getKey(), s, new float[(int) n]);
    }
    w.write(dir);
    e = assertThrows(BadInputException.class, () -> LlamaModel.load(dir, manager));
    assertEquals(dir + ": tensor model.norm.weight has shape [31], config.json implies [32]", e.getMessage());
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }
}
