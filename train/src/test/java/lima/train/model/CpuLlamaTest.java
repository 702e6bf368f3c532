package lima.train.model;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pure-Java decoder against the DJL model, and its independence from batching, feeding and threads. */
class CpuLlamaTest {
  static NDManager manager;
  static LlamaModel model;
  // Grouped-query attention (4 heads, 2 key/value heads), untied head, head_dim 16 (one 512-bit vector),
  // sizes that are not multiples of the vector length (hidden 48, intermediate 100).
  static final LlamaConfig C = new LlamaConfig(48, 3, 4, 2, 100, 1e-5, 10000.0, false, 1, List.of(2), 96, 77, 12, "float32");

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
    model = LlamaModel.random(C, manager, 11);
  }

  @AfterAll
  static void stop() {
    model.close();
    manager.close();
  }

  static int[] ids(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = r.nextInt(C.vocabSize());
    return a;
  }

  /** Logits of every position of {@code ids} from the DJL model (whole sequence, no cache). */
  static float[][] djl(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) l[i] = ids[i];
    try (NDArray out = model.forward(manager.create(l, new Shape(1, ids.length)), null, false, false)) {
      float[] f = out.toFloatArray();
      float[][] r = new float[ids.length][C.vocabSize()];
      for (int t = 0; t < ids.length; t++) System.arraycopy(f, t * C.vocabSize(), r[t], 0, C.vocabSize());
      return r;
    }
  }

  @Test
  void matchesTheDjlModelPositionByPosition() {
    int[] seq = ids(3, 40);
    float[][] want = djl(seq);
    try (CpuLlama cpu = CpuLlama.copyOf(model, 1); Decoder.State s = cpu.newState()) {
      float[][] got = {new float[C.vocabSize()]};
      // A prefill of 25 tokens, then one token at a time.
      cpu.forward(new Decoder.State[] {s}, new int[][] {java.util.Arrays.copyOf(seq, 25)}, got);
      assertArrayEquals(want[24], got[0], 2e-5f);
      for (int t = 25; t < seq.length; t++) {
        cpu.forward(new Decoder.State[] {s}, new int[][] {{seq[t]}}, got);
        assertArrayEquals(want[t], got[0], 2e-5f, "position " + t);
      }
      assertEquals(40, s.length());
    }
  }

  @Test
  void logitsAreBitIdenticalWhateverTheBatchTheFeedingAndTheThreads() {
    int[] a = ids(5, 30), b = ids(6, 9), c = ids(7, 17);
    float[] alone;
    try (CpuLlama one = CpuLlama.copyOf(model, 1); Decoder.State s = one.newState()) {
      float[][] out = {new float[C.vocabSize()]};
      for (int t = 0; t < a.length; t++) one.forward(new Decoder.State[] {s}, new int[][] {{a[t]}}, out); // token by token
      alone = out[0].clone();
    }
    try (CpuLlama three = CpuLlama.copyOf(model, 3)) {
      Decoder.State sa = three.newState(), sb = three.newState(), sc = three.newState();
      float[][] out = {new float[C.vocabSize()], new float[C.vocabSize()], new float[C.vocabSize()]};
      // a's prompt in two pieces, batched with other sequences at other positions.
      three.forward(new Decoder.State[] {sb, sa}, new int[][] {b, java.util.Arrays.copyOf(a, 20)}, new float[][] {out[1], out[0]});
      three.forward(new Decoder.State[] {sc, sa, sb}, new int[][] {c, java.util.Arrays.copyOfRange(a, 20, 30), {b[0]}}, new float[][] {out[2], out[0], out[1]});
      assertArrayEquals(alone, out[0], 0f);
      assertEquals(30, sa.length());
      assertEquals(10, sb.length());
      assertEquals(17, sc.length());
    }
  }

  @Test
  void refusesPositionsPastTheContextAndForeignStates() {
    try (CpuLlama a = CpuLlama.copyOf(model, 1); CpuLlama b = CpuLlama.copyOf(model, 1)) {
      Decoder.State s = a.newState();
      float[][] out = {new float[C.vocabSize()]};
      var e = assertThrows(IllegalArgumentException.class, () -> a.forward(new Decoder.State[] {s}, new int[][] {ids(1, 97)}, out));
      assertTrue(e.getMessage().contains("exceed max_position_embeddings 96"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> b.forward(new Decoder.State[] {s}, new int[][] {{1}}, out));
    }
  }

  @Test
  void oneThreadForCacheSizedModelsAllCoresForLargeOnes() {
    assertEquals(1, CpuLlama.defaultThreads(C));
    LlamaConfig big = LlamaConfig.of(768, 12, 12, 12, 2048, 32000, 1024, true);
    assertEquals(Runtime.getRuntime().availableProcessors(), CpuLlama.defaultThreads(big));
  }

  @Test
  void attentionDotProductsAddInTheDocumentedOrderForEveryLength() {
    int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    SplittableRandom r = new SplittableRandom(5);
    // Below a vector, ragged, and the head sizes with a loop-free path (4 and 8 vectors: 64 and 128 on AVX-512).
    for (int len : new int[] {lanes - 1, 3 * lanes + 5, 4 * lanes, 8 * lanes, 9 * lanes + 3}) {
      float[] a = new float[len + 3], b = new float[len + 7];
      for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
      for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
      // Four lane-wise accumulators over blocks of four vectors, then a single vector at a time into the
      // first; combined (0+1)+(2+3); lanes halved pairwise; the scalar tail.
      float[][] acc = new float[4][lanes];
      int i = 0;
      if (len >= lanes) {
        for (; i + 4 * lanes <= len; i += 4 * lanes) for (int m = 0; m < 4; m++) for (int l = 0; l < lanes; l++) acc[m][l] = Math.fma(a[3 + i + m * lanes + l], b[7 + i + m * lanes + l], acc[m][l]);
        for (; i + lanes <= len; i += lanes) for (int l = 0; l < lanes; l++) acc[0][l] = Math.fma(a[3 + i + l], b[7 + i + l], acc[0][l]);
      }
      float want = 0f;
      if (len >= lanes) {
        float[] t = new float[lanes];
        for (int l = 0; l < lanes; l++) t[l] = (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l]);
        for (int w = lanes / 2; w >= 1; w /= 2) for (int j = 0; j < w; j++) t[j] += t[j + w];
        want = t[0];
      }
      for (; i < len; i++) want = Math.fma(a[3 + i], b[7 + i], want);
      assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(CpuLlama.dot(a, 3, b, 7, len)), "length " + len);
      // Many keys at once (four at a time, then one by one) give each key's own dot product, bit for bit.
      int stride = len + 5;
      for (int n : new int[] {1, 3, 4, 9}) {
        float[] keys = new float[2 + n * stride];
        for (int e = 0; e < keys.length; e++) keys[e] = (float) r.nextGaussian();
        float[] sc = new float[n];
        CpuLlama.dots(a, 3, keys, 2, stride, len, n, sc);
        for (int j = 0; j < n; j++) assertEquals(Float.floatToIntBits(CpuLlama.dot(a, 3, keys, 2 + j * stride, len)), Float.floatToIntBits(sc[j]), "length " + len + ", key " + j + " of " + n);
      }
    }
  }

  @Test
  void packedProductsEqualOneFusedMultiplyAddAtATimeWhateverTheNumberOfInputs() {
    SplittableRandom r = new SplittableRandom(9);
    // Rows: within one panel, exactly one, and ragged; columns: below, at and past a vector length.
    for (int[] shape : new int[][] {{5, 3}, {PackedMatrix.P, 16}, {PackedMatrix.P + 7, 47}, {130, 100}, {3 * PackedMatrix.P, 768}}) {
      int rows = shape[0], cols = shape[1];
      float[] w = new float[rows * cols];
      for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
      PackedMatrix m = PackedMatrix.pack(w, rows, cols);
      float[] row = new float[cols];
      m.row(rows - 1, row);
      assertArrayEquals(java.util.Arrays.copyOfRange(w, (rows - 1) * cols, rows * cols), row, 0f, "row lookup");
      for (int n : new int[] {1, 3, 4, 7, 8, 13, 21}) {
        float[][] x = new float[n][cols];
        for (float[] xi : x) for (int i = 0; i < cols; i++) xi[i] = (float) r.nextGaussian();
        // Padded outputs (written in place) and exact-length ones (through the spill buffer).
        float[][] padded = new float[n][PackedMatrix.padded(rows)], exact = new float[n][rows];
        for (int p = 0; p < m.panels; p++) {
          m.multiply(p, x, n, padded, new float[PackedMatrix.P]);
          m.multiply(p, x, n, exact, new float[PackedMatrix.P]);
        }
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < rows; j++) {
            float want = 0f;
            for (int k = 0; k < cols; k++) want = Math.fma(w[j * cols + k], x[i][k], want);
            String where = rows + " x " + cols + ", " + n + " inputs, input " + i + ", row " + j;
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(padded[i][j]), where);
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(exact[i][j]), where);
          }
          for (int j = rows; j < padded[i].length; j++) assertEquals(0f, padded[i][j], "padding row " + j);
        }
      }
    }
  }
}
