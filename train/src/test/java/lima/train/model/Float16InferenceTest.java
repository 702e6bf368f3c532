package lima.train.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import lima.core.UserException;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generation;
import lima.train.generate.Generator;
import lima.train.generate.TokenListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * float16 inference on the CPU (PyTorch 2.7.1 runs the half-precision matmul, embedding, sigmoid and
 * softmax there) against the fp32 model with the same weights.
 */
class Float16InferenceTest {
  @TempDir static Path dir;
  static NDManager manager;
  static LlamaModel fp32;
  static LlamaModel fp16;

  static final int[] IDS = {1, 40, 73, 80, 80, 83, 4, 55, 83, 86, 80, 72, 5, 17, 33, 60, 9};
  /** Max |fp16 - fp32| over all logits, relative to the largest |fp32 logit|. */
  static final double TOL = 1e-2;

  @BeforeAll
  static void load() throws Exception {
    TinyModel.write(dir, TinyModel.config(128), 7);
    manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    fp32 = LlamaModel.load(dir, manager);
    fp16 = LlamaModel.load(dir, manager, DataType.FLOAT16);
  }

  @AfterAll
  static void close() {
    fp16.close();
    fp32.close();
    manager.close();
  }

  static float[][] rows(NDArray out, int t, int v) {
    assertEquals(DataType.FLOAT32, out.getDataType(), "logits are fp32 whatever the model dtype");
    float[] flat = out.toFloatArray();
    float[][] r = new float[t][v];
    for (int i = 0; i < t; i++) System.arraycopy(flat, i * v, r[i], 0, v);
    return r;
  }

  static float[][] whole(LlamaModel m, int[] ids) {
    try (NDManager s = manager.newSubManager()) {
      NDArray x = s.create(toLong(ids), new Shape(1, ids.length));
      return rows(m.forward(x, null, false, false), ids.length, m.config().vocabSize());
    }
  }

  /** Prompt of 5 in one pass, then one token at a time through the KV cache. */
  static float[][] cached(LlamaModel m, int[] ids) {
    int v = m.config().vocabSize();
    float[][] r = new float[ids.length][];
    try (KvCache cache = m.newCache(); NDManager s = manager.newSubManager()) {
      int first = 5;
      float[][] p = rows(m.forward(s.create(toLong(java.util.Arrays.copyOf(ids, first)), new Shape(1, first)), cache, false, false), first, v);
      System.arraycopy(p, 0, r, 0, first);
      for (int i = first; i < ids.length; i++) r[i] = rows(m.forward(s.create(new long[] {ids[i]}, new Shape(1, 1)), cache, false, true), 1, v)[0];
    }
    return r;
  }

  static long[] toLong(int[] a) {
    long[] l = new long[a.length];
    for (int i = 0; i < a.length; i++) l[i] = a[i];
    return l;
  }

  static double maxAbs(float[][] a) {
    double m = 0;
    for (float[] r : a) for (float x : r) m = Math.max(m, Math.abs(x));
    return m;
  }

  static double maxDiff(float[][] a, float[][] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
    return m;
  }

  @Test
  void weightsAreHalfPrecisionAndKeptDtypeIsFp32ByDefault() {
    assertEquals(DataType.FLOAT32, fp32.dtype());
    assertEquals(DataType.FLOAT16, fp16.dtype());
    for (var e : fp16.hfParameters().entrySet()) assertEquals(DataType.FLOAT16, e.getValue().getArray().getDataType(), e.getKey());
    for (var e : fp32.hfParameters().entrySet()) assertEquals(DataType.FLOAT32, e.getValue().getArray().getDataType(), e.getKey());
  }

  @Test
  void logitsMatchFp32AtEveryPositionWithoutCache() {
    float[][] a = whole(fp32, IDS);
    float[][] b = whole(fp16, IDS);
    double scale = maxAbs(a);
    assertTrue(scale > 0, "fp32 logits are all zero");
    double rel = maxDiff(a, b) / scale;
    assertTrue(rel < TOL, "fp16 vs fp32 max abs diff relative to logit scale: " + rel);
    assertTrue(maxDiff(a, b) > 0, "fp16 logits are identical to fp32: the fp16 path did not run in half precision");
  }

  @Test
  void cachedFp16MatchesWholeSequenceFp32() {
    float[][] a = whole(fp32, IDS);
    float[][] b = cached(fp16, IDS);
    double rel = maxDiff(a, b) / maxAbs(a);
    assertTrue(rel < TOL, "fp16 (KV cache) vs fp32 max abs diff relative to logit scale: " + rel);
    float[][] c = cached(fp32, IDS);
    assertTrue(maxDiff(a, c) / maxAbs(a) < 1e-5, "fp32 cached vs whole");
  }

  @Test
  void greedyGenerationAgreesWhileTheFp32MarginIsClear() throws Exception {
    GenerateOptions greedy = new GenerateOptions(24, 0f, 1f, 1f, 0, List.of(), true);
    int[] prompt = {1, 40, 73, 80, 80, 83};
    Generation a, b;
    try (Generator g32 = Generator.open(dir, Placement.CPU_FP32); Generator g16 = Generator.open(dir, new Placement(Device.cpu(), DataType.FLOAT16))) {
      assertEquals(DataType.FLOAT16, g16.model().dtype());
      a = g32.generate(prompt, greedy, new SplittableRandom(0), TokenListener.NONE);
      b = g16.generate(prompt, greedy, new SplittableRandom(0), TokenListener.NONE);
    }
    // fp32 logits along the fp32 greedy path: while the top-1 margin is well above fp16's error, the
    // fp16 greedy choice must be the same token.
    int[] all = new int[prompt.length + a.completionIds().length];
    System.arraycopy(prompt, 0, all, 0, prompt.length);
    System.arraycopy(a.completionIds(), 0, all, prompt.length, a.completionIds().length);
    float[][] l32 = whole(fp32, all);
    float[][] l16 = whole(fp16, all);
    double err = maxDiff(l32, l16);
    int compared = 0;
    for (int i = 0; i < a.completionIds().length; i++) {
      float[] row = l32[prompt.length - 1 + i];
      int top = argmax(row);
      assertEquals(top, a.completionIds()[i], "fp32 greedy token " + i);
      float second = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < row.length; j++) if (j != top) second = Math.max(second, row[j]);
      if (row[top] - second < 4 * err) break; // a near tie: fp16 may rightly pick the other token from here on
      assertTrue(i < b.completionIds().length, "fp16 generation stopped early");
      assertEquals(a.completionIds()[i], b.completionIds()[i], "greedy token " + i + " (fp32 margin " + (row[top] - second) + ", fp16 error " + err + ")");
      compared++;
    }
    assertTrue(compared >= 4, "only " + compared + " tokens had a clear fp32 margin (max fp16 error " + err + ")");
  }

  static int argmax(float[] r) {
    int best = 0;
    for (int i = 1; i < r.length; i++) if (r[i] > r[best]) best = i;
    return best;
  }

  @Test
  void placementParsing() {
    assertEquals(Placement.CPU_FP32, Placement.parse("cpu", "float32"));
    assertEquals(new Placement(Device.cpu(), DataType.FLOAT16), Placement.parse("CPU", "float16"));
    assertEquals(Placement.CPU_FP32, Placement.parse("cpu", "auto"));
    UserException bf = assertThrows(UserException.class, () -> Placement.parse("cpu", "bfloat16"));
    assertEquals(2, bf.exitCode());
    assertEquals(2, assertThrows(UserException.class, () -> Placement.parse("tpu", "float32")).exitCode());
    assertThrows(IllegalArgumentException.class, () -> new Placement(Device.cpu(), DataType.INT8));
  }

  @Test
  void gpuWithoutCudaIsAOneLineUsageError() {
    Assumptions.assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "skipped: this machine has a GPU visible to PyTorch");
    UserException e = assertThrows(UserException.class, () -> Placement.parse("gpu", "auto"));
    assertEquals(2, e.exitCode());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("no GPU") && e.getMessage().contains("-Pcuda"), e.getMessage());
  }
}
