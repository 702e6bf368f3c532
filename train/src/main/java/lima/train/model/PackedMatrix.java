package lima.train.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix {@code [rows][cols]} (a linear layer's {@code weight}: output rows, input columns) packed
 * for the CPU decoder's matrix products: rows in panels of {@link #P} (four vectors' worth), and inside a
 * panel column by column, so that {@code data[(panel * cols + k) * P + r]} is row {@code panel * P + r},
 * column {@code k}. The last panel is padded with zero rows.
 *
 * <p>A product walks a panel once from start to end: for each column {@code k} it loads the panel's P
 * weights (four vectors) and multiplies them into P output sums per input with the input's {@code k}-th
 * value broadcast (the register-blocked kernel of BLAS libraries' matrix multiply: four inputs at a time
 * keep 16 vector sums in registers, eight loads for 16 fused multiply-adds).
 *
 * <p><b>Fixed order.</b> Each output is {@code fma(w[r][K-1], x[K-1], ... fma(w[r][1], x[1], fma(w[r][0],
 * x[0], 0)))}: one running sum over the columns in order, no lanes summed across, for whatever number of
 * inputs, panels per thread or vector length. So a batched product equals the products one at a time bit for
 * bit, and equals a plain loop of {@link Math#fma} over the columns.
 */
final class PackedMatrix {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Rows per panel. */
  static final int P = 4 * L;

  final int rows, cols, panels;
  private final float[] data;

  private PackedMatrix(int rows, int cols) {
    this.rows = rows;
    this.cols = cols;
    this.panels = (rows + P - 1) / P;
    this.data = new float[Math.multiplyExact(panels * cols, P)];
  }

  /** Packs a row-major {@code [rows][cols]} matrix. */
  static PackedMatrix pack(float[] w, int rows, int cols) {
    if (w.length != (long) rows * cols) throw new IllegalArgumentException("a " + rows + " x " + cols + " matrix has " + w.length + " values");
    PackedMatrix m = new PackedMatrix(rows, cols);
    for (int r = 0; r < rows; r++) {
      int base = (r / P) * cols * P + r % P;
      for (int k = 0; k < cols; k++) m.data[base + k * P] = w[r * cols + k];
    }
    return m;
  }

  /** Rows rounded up to whole panels: the length an output buffer needs for {@link #multiply} to write in place. */
  static int padded(int rows) {
    return (rows + P - 1) / P * P;
  }

  /** Copies row {@code r} into {@code dst[0..cols)} (an embedding lookup of a tied head). */
  void row(int r, float[] dst) {
    int base = (r / P) * cols * P + r % P;
    for (int k = 0; k < cols; k++) dst[k] = data[base + k * P];
  }

  /**
   * Panel {@code p} of the product for inputs {@code in[0..n)}: {@code out[i][r] = row r . in[i][0..cols)} for
   * the panel's rows. An output shorter than the padded rows (the caller's logits) goes through {@code spill}
   * (P floats).
   */
  void multiply(int p, float[][] in, int n, float[][] out, float[] spill) {
    int base = p * cols * P, j = p * P;
    boolean whole = n == 0 || out[0].length >= j + P;
    int i = 0;
    if (whole) for (; i + 4 <= n; i += 4) four(base, in[i], in[i + 1], in[i + 2], in[i + 3], out[i], out[i + 1], out[i + 2], out[i + 3], j);
    for (; i < n; i++) {
      if (whole) {
        one(base, in[i], out[i], j);
      } else {
        one(base, in[i], spill, 0);
        System.arraycopy(spill, 0, out[i], j, Math.min(P, out[i].length - j));
      }
    }
  }

  /** One panel times four inputs: 16 vector sums. */
  private void four(int base, float[] x0, float[] x1, float[] x2, float[] x3, float[] o0, float[] o1, float[] o2, float[] o3, int j) {
    FloatVector z = FloatVector.zero(S);
    FloatVector a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z, c0 = z, c1 = z, c2 = z, c3 = z, d0 = z, d1 = z, d2 = z, d3 = z;
    float[] w = data;
    for (int k = 0, q = base; k < cols; k++, q += P) {
      FloatVector w0 = FloatVector.fromArray(S, w, q), w1 = FloatVector.fromArray(S, w, q + L);
      FloatVector w2 = FloatVector.fromArray(S, w, q + 2 * L), w3 = FloatVector.fromArray(S, w, q + 3 * L);
      FloatVector v0 = FloatVector.broadcast(S, x0[k]), v1 = FloatVector.broadcast(S, x1[k]), v2 = FloatVector.broadcast(S, x2[k]), v3 = FloatVector.broadcast(S, x3[k]);
      // One weight vector against the four inputs a line (a, b, c, d: inputs 0-3; 0-3: the panel's vectors).
      a0 = w0.fma(v0, a0); b0 = w0.fma(v1, b0); c0 = w0.fma(v2, c0); d0 = w0.fma(v3, d0);
      a1 = w1.fma(v0, a1); b1 = w1.fma(v1, b1); c1 = w1.fma(v2, c1); d1 = w1.fma(v3, d1);
      a2 = w2.fma(v0, a2); b2 = w2.fma(v1, b2); c2 = w2.fma(v2, c2); d2 = w2.fma(v3, d2);
      a3 = w3.fma(v0, a3); b3 = w3.fma(v1, b3); c3 = w3.fma(v2, c3); d3 = w3.fma(v3, d3);
    }
    store(a0, a1, a2, a3, o0, j);
    store(b0, b1, b2, b3, o1, j);
    store(c0, c1, c2, c3, o2, j);
    store(d0, d1, d2, d3, o3, j);
  }

  /**
   * One panel times one input: four vector sums, two columns a step (the same chain of fused multiply-adds;
   * measured, the unrolled loop streams weights from memory at 27 GB/s on one core against 12 for one column a
   * step).
   */
  private void one(int base, float[] x, float[] o, int j) {
    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
    float[] w = data;
    int k = 0, q = base;
    for (; k + 1 < cols; k += 2, q += 2 * P) {
      FloatVector v = FloatVector.broadcast(S, x[k]), u = FloatVector.broadcast(S, x[k + 1]);
      a0 = FloatVector.fromArray(S, w, q + P).fma(u, FloatVector.fromArray(S, w, q).fma(v, a0));
      a1 = FloatVector.fromArray(S, w, q + P + L).fma(u, FloatVector.fromArray(S, w, q + L).fma(v, a1));
      a2 = FloatVector.fromArray(S, w, q + P + 2 * L).fma(u, FloatVector.fromArray(S, w, q + 2 * L).fma(v, a2));
      a3 = FloatVector.fromArray(S, w, q + P + 3 * L).fma(u, FloatVector.fromArray(S, w, q + 3 * L).fma(v, a3));
    }
    if (k < cols) {
      FloatVector v = FloatVector.broadcast(S, x[k]);
      a0 = FloatVector.fromArray(S, w, q).fma(v, a0);
      a1 = FloatVector.fromArray(S, w, q + L).fma(v, a1);
      a2 = FloatVector.fromArray(S, w, q + 2 * L).fma(v, a2);
      a3 = FloatVector.fromArray(S, w, q + 3 * L).fma(v, a3);
    }
    store(a0, a1, a2, a3, o, j);
  }

  private static void store(FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3, float[] o, int j) {
    s0.intoArray(o, j);
    s1.intoArray(o, j + L);
    s2.intoArray(o, j + 2 * L);
    s3.intoArray(o, j + 3 * L);
  }
}
