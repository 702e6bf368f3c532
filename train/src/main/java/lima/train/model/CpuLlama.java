package lima.train.model;

import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import lima.train.safetensors.SafetensorsCheckpoint;

/**
 * LLaMA inference in plain Java on the CPU, fp32: the default decoder of {@code lima generate} and {@code
 * lima serve} (training and the GPU use the DJL {@link LlamaModel}). Same arithmetic as the DJL model and
 * transformers' {@code LlamaForCausalLM} (RMSNorm, rotary positions in the rotate-half layout, grouped-query
 * attention, SwiGLU), written after llama2.c and llama3.java: weights in Java arrays, matrix-vector products
 * with the JDK Vector API, every buffer allocated once, no per-token allocation, and the output rows of each
 * product split over a fixed team of threads.
 *
 * <p><b>Fixed reduction order.</b> Every dot product adds the same terms in the same order (16-lane fused
 * multiply-adds in one accumulator, then the lanes summed pairwise in a fixed tree, never {@code
 * reduceLanes}, whose order the JIT may change) whatever the batch, the thread count or the other
 * sequences of a call. So logits do not depend on batching or threads: a batched answer equals the answer
 * alone, token for token, and one thread equals many. They may differ in the last bits from the DJL model's.
 *
 * <p>A {@link #forward} call takes several sequences, each with any number of new tokens; all new tokens
 * of the call go through each weight matrix together (the matrix is read once per call, not once per
 * token), which is what makes a batch of sequences cost little more than one.
 *
 * <p>Thread count: {@link #defaultThreads(LlamaConfig)} (one thread for models whose weights fit in the
 * CPU caches, where waking a second thread costs more than it saves; all cores otherwise).
 */
public final class CpuLlama implements Decoder {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private final LlamaConfig c;
  private final int dim, heads, kvHeads, hd, kvDim, qDim, ffn, vocab, nLayers, maxPos;
  private final float[] embed, head, finalNorm;
  private final Layer[] layers;
  private final float[] invFreq;
  private final Workers workers;
  // Per-call buffers, grown to the largest number of rows seen.
  private int capRows;
  private float[][] x, xb, q, k, v, att, hb, hb2, xo;
  private final float[][] scores;
  private final float[][] lanes;
  private final float[][] quad;

  private record Layer(float[] attnNorm, float[] wq, float[] wk, float[] wv, float[] wo, float[] ffnNorm, float[] w1, float[] w2, float[] w3) {}

  private CpuLlama(LlamaConfig c, Map<String, float[]> w, int threads) {
    this.c = c;
    dim = c.hiddenSize();
    heads = c.numAttentionHeads();
    kvHeads = c.numKeyValueHeads();
    hd = c.headDim();
    kvDim = kvHeads * hd;
    qDim = heads * hd;
    ffn = c.intermediateSize();
    vocab = c.vocabSize();
    nLayers = c.numHiddenLayers();
    maxPos = c.maxPositionEmbeddings();
    embed = w.get("model.embed_tokens.weight");
    head = c.tieWordEmbeddings() ? embed : w.get("lm_head.weight");
    finalNorm = w.get("model.norm.weight");
    layers = new Layer[nLayers];
    for (int i = 0; i < nLayers; i++) {
      String p = "model.layers." + i + ".";
      layers[i] = new Layer(w.get(p + "input_layernorm.weight"), w.get(p + "self_attn.q_proj.weight"), w.get(p + "self_attn.k_proj.weight"),
          w.get(p + "self_attn.v_proj.weight"), w.get(p + "self_attn.o_proj.weight"), w.get(p + "post_attention_layernorm.weight"),
          w.get(p + "mlp.gate_proj.weight"), w.get(p + "mlp.down_proj.weight"), w.get(p + "mlp.up_proj.weight"));
    }
    // As transformers and Rope: inv_freq = 1 / theta^(2i/d) in fp32; angle = position * inv_freq in fp32.
    invFreq = new float[hd / 2];
    for (int i = 0; i < hd / 2; i++) invFreq[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (float) (2 * i) / (float) hd));
    workers = new Workers(threads);
    scores = new float[threads][];
    lanes = new float[threads][L];
    quad = new float[threads][16];
  }

  /** Loads a Hugging Face folder's weights as fp32 Java arrays, with {@link #defaultThreads} threads. */
  public static CpuLlama load(Path dir) throws IOException {
    LlamaConfig c = LlamaConfig.read(dir);
    return load(dir, defaultThreads(c));
  }

  /** Loads a Hugging Face folder's weights as fp32 Java arrays. */
  public static CpuLlama load(Path dir, int threads) throws IOException {
    LlamaConfig c = LlamaConfig.read(dir);
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(dir)) {
      LlamaModel.check(c, ck);
      Map<String, float[]> w = new java.util.HashMap<>();
      for (String name : c.expectedTensors().keySet()) w.put(name, ck.readArray(name));
      return new CpuLlama(c, w, threads);
    }
  }

  /** Copies the weights of a DJL model (fp32) into a new CPU decoder. */
  public static CpuLlama copyOf(LlamaModel m, int threads) {
    if (m.dtype() != DataType.FLOAT32) throw new IllegalArgumentException("CpuLlama is fp32; the model is " + m.dtype());
    Map<String, float[]> w = new java.util.HashMap<>();
    m.hfParameters().forEach((name, p) -> w.put(name, p.getArray().toFloatArray()));
    return new CpuLlama(m.config(), w, threads);
  }

  /** The thread count that measured fastest for a model of this size: {@link DecodeThreads#of}. */
  public static int defaultThreads(LlamaConfig c) {
    return DecodeThreads.of(c);
  }

  @Override
  public LlamaConfig config() {
    return c;
  }

  public int threads() {
    return workers.size();
  }

  @Override
  public State newState() {
    return new State(this);
  }

  /** Keys and values of one sequence, per layer, position-major ({@code [position][kvHeads * headDim]}), grown by doubling. */
  public static final class State implements Decoder.State {
    private final CpuLlama owner;
    private final float[][] keys, values;
    private int length;

    private State(CpuLlama m) {
      owner = m;
      keys = new float[m.nLayers][];
      values = new float[m.nLayers][];
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public void clear() {
      length = 0;
    }

    private void ensure(int positions) {
      int have = keys[0] == null ? 0 : keys[0].length / owner.kvDim;
      if (positions <= have) return;
      int cap = Math.max(64, have);
      while (cap < positions) cap *= 2;
      cap = Math.min(cap, owner.maxPos);
      for (int l = 0; l < keys.length; l++) {
        keys[l] = keys[l] == null ? new float[cap * owner.kvDim] : Arrays.copyOf(keys[l], cap * owner.kvDim);
        values[l] = values[l] == null ? new float[cap * owner.kvDim] : Arrays.copyOf(values[l], cap * owner.kvDim);
      }
    }

    @Override
    public void close() {
      Arrays.fill(keys, null);
      Arrays.fill(values, null);
      length = 0;
    }
  }

  private void ensureRows(int n) {
    if (n <= capRows) return;
    int cap = Math.max(n, capRows * 2);
    x = new float[cap][dim];
    xb = new float[cap][dim];
    xo = new float[cap][dim];
    q = new float[cap][qDim];
    k = new float[cap][kvDim];
    v = new float[cap][kvDim];
    att = new float[cap][qDim];
    hb = new float[cap][ffn];
    hb2 = new float[cap][ffn];
    capRows = cap;
  }

  @Override
  public synchronized void forward(Decoder.State[] st, int[][] feeds, float[][] logits) {
    if (st.length != feeds.length || st.length != logits.length) throw new IllegalArgumentException("states, feeds and logits differ in length");
    int n = 0;
    for (int s = 0; s < st.length; s++) {
      State state = (State) st[s];
      if (state.owner != this) throw new IllegalArgumentException("a state of another decoder");
      if (feeds[s].length == 0) throw new IllegalArgumentException("an empty feed");
      int end = state.length + feeds[s].length;
      if (end > maxPos) throw new IllegalArgumentException("positions " + state.length + ".." + (end - 1) + " exceed max_position_embeddings " + maxPos);
      n += feeds[s].length;
    }
    ensureRows(n);
    // Row r: sequence rowSeq[r] at position rowPos[r].
    int[] rowSeq = new int[n], rowPos = new int[n];
    int[] last = new int[st.length];
    int r = 0;
    for (int s = 0; s < st.length; s++) {
      State state = (State) st[s];
      state.ensure(state.length + feeds[s].length);
      for (int t = 0; t < feeds[s].length; t++, r++) {
        int id = feeds[s][t];
        if (id < 0 || id >= vocab) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocab);
        rowSeq[r] = s;
        rowPos[r] = state.length + t;
        System.arraycopy(embed, id * dim, x[r], 0, dim);
      }
      last[s] = r - 1;
    }
    float[][] cos = new float[n][hd / 2], sin = new float[n][hd / 2];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < hd / 2; j++) {
        float ang = (float) rowPos[i] * invFreq[j];
        cos[i][j] = (float) Math.cos(ang);
        sin[i][j] = (float) Math.sin(ang);
      }
    }
    int rows = n;
    for (int l = 0; l < nLayers; l++) {
      Layer w = layers[l];
      for (int i = 0; i < rows; i++) rmsNorm(xb[i], x[i], w.attnNorm);
      matmul3(q, w.wq, qDim, k, w.wk, kvDim, v, w.wv, kvDim, xb, rows, dim);
      for (int i = 0; i < rows; i++) {
        rope(q[i], heads, cos[i], sin[i]);
        rope(k[i], kvHeads, cos[i], sin[i]);
        State state = (State) st[rowSeq[i]];
        System.arraycopy(k[i], 0, state.keys[l], rowPos[i] * kvDim, kvDim);
        System.arraycopy(v[i], 0, state.values[l], rowPos[i] * kvDim, kvDim);
      }
      attention(st, l, rows, rowSeq, rowPos);
      matmul(xo, att, rows, w.wo, dim, qDim);
      for (int i = 0; i < rows; i++) add(x[i], xo[i]);
      for (int i = 0; i < rows; i++) rmsNorm(xb[i], x[i], w.ffnNorm);
      matmul3(hb, w.w1, ffn, hb2, w.w3, ffn, null, null, 0, xb, rows, dim);
      for (int i = 0; i < rows; i++) swiglu(hb[i], hb2[i]);
      matmul(xo, hb, rows, w.w2, dim, ffn);
      for (int i = 0; i < rows; i++) add(x[i], xo[i]);
    }
    for (int s = 0; s < st.length; s++) ((State) st[s]).length += feeds[s].length;
    // Final norm and the output head for the last row of each sequence only.
    float[][] lastX = new float[st.length][];
    for (int s = 0; s < st.length; s++) {
      if (logits[s] == null || logits[s].length != vocab) throw new IllegalArgumentException("logits buffer must hold " + vocab);
      rmsNorm(xb[s], x[last[s]], finalNorm);
      lastX[s] = xb[s];
    }
    matmul(logits, lastX, st.length, head, vocab, dim);
  }

  /** out[i][j] = dot(w row j, in[i]) for rows i < n and j < outDim; output rows split over the threads. */
  private void matmul(float[][] out, float[][] in, int n, float[] w, int outDim, int inDim) {
    matmul3(out, w, outDim, null, null, 0, null, null, 0, in, n, inDim);
  }

  /** Up to three products of the same input in one parallel region: the rows of all are split over the threads together. */
  private void matmul3(float[][] o1, float[] w1, int d1, float[][] o2, float[] w2, int d2, float[][] o3, float[] w3, int d3, float[][] in, int n, int inDim) {
    int total = d1 + d2 + d3;
    workers.run(p -> {
      float[] tmp = lanes[p], res = quad[p];
      int from = workers.from(p, total), to = workers.from(p + 1, total);
      rows(o1, w1, Math.max(0, from), Math.min(d1, to), in, n, inDim, tmp, res);
      rows(o2, w2, Math.max(0, from - d1), Math.min(d2, to - d1), in, n, inDim, tmp, res);
      rows(o3, w3, Math.max(0, from - d1 - d2), Math.min(d3, to - d1 - d2), in, n, inDim, tmp, res);
    });
  }

  /** out[i][j] for weight rows j in [jf, jt) and every input i: tiles of 4 rows x 4 inputs, then the leftovers. */
  private static void rows(float[][] out, float[] w, int jf, int jt, float[][] in, int n, int inDim, float[] tmp, float[] res) {
    if (out == null || jf >= jt) return;
    int j = jf;
    int n4 = n - n % 4;
    for (; j + 4 <= jt; j += 4) {
      for (int i = 0; i < n4; i += 4) {
        dot4x4(w, j * inDim, inDim, in[i], in[i + 1], in[i + 2], in[i + 3], inDim, tmp, res);
        for (int r = 0; r < 4; r++) {
          out[i][j + r] = res[4 * r];
          out[i + 1][j + r] = res[4 * r + 1];
          out[i + 2][j + r] = res[4 * r + 2];
          out[i + 3][j + r] = res[4 * r + 3];
        }
      }
      for (int i = n4; i < n; i++) for (int r = 0; r < 4; r++) out[i][j + r] = dot(w, (j + r) * inDim, in[i], 0, inDim, tmp);
    }
    for (; j < jt; j++) for (int i = 0; i < n; i++) out[i][j] = dot(w, j * inDim, in[i], 0, inDim, tmp);
  }

  /**
   * {@link #dot} of four consecutive weight rows (starting at {@code off}, {@code stride} apart) with four
   * inputs: res[4*r + i] = dot(row r, input i). Every one of the 16 sums takes exactly the steps {@code dot}
   * takes (one accumulator, the same lane tree, the same tail), so the results are bit-identical to 16 {@code
   * dot} calls; each weight and input vector is loaded once for four products.
   */
  static void dot4x4(float[] w, int off, int stride, float[] x0, float[] x1, float[] x2, float[] x3, int len, float[] tmp, float[] res) {
    int i = 0;
    int o0 = off, o1 = off + stride, o2 = off + 2 * stride, o3 = off + 3 * stride;
    if (len >= L) {
      FloatVector z = FloatVector.zero(S);
      FloatVector a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z, c0 = z, c1 = z, c2 = z, c3 = z, d0 = z, d1 = z, d2 = z, d3 = z;
      int bound = len - len % L;
      for (; i < bound; i += L) {
        FloatVector v0 = FloatVector.fromArray(S, x0, i), v1 = FloatVector.fromArray(S, x1, i);
        FloatVector v2 = FloatVector.fromArray(S, x2, i), v3 = FloatVector.fromArray(S, x3, i);
        FloatVector w0 = FloatVector.fromArray(S, w, o0 + i);
        a0 = w0.fma(v0, a0);
        a1 = w0.fma(v1, a1);
        a2 = w0.fma(v2, a2);
        a3 = w0.fma(v3, a3);
        FloatVector w1 = FloatVector.fromArray(S, w, o1 + i);
        b0 = w1.fma(v0, b0);
        b1 = w1.fma(v1, b1);
        b2 = w1.fma(v2, b2);
        b3 = w1.fma(v3, b3);
        FloatVector w2 = FloatVector.fromArray(S, w, o2 + i);
        c0 = w2.fma(v0, c0);
        c1 = w2.fma(v1, c1);
        c2 = w2.fma(v2, c2);
        c3 = w2.fma(v3, c3);
        FloatVector w3 = FloatVector.fromArray(S, w, o3 + i);
        d0 = w3.fma(v0, d0);
        d1 = w3.fma(v1, d1);
        d2 = w3.fma(v2, d2);
        d3 = w3.fma(v3, d3);
      }
      res[0] = lanes(a0, tmp);
      res[1] = lanes(a1, tmp);
      res[2] = lanes(a2, tmp);
      res[3] = lanes(a3, tmp);
      res[4] = lanes(b0, tmp);
      res[5] = lanes(b1, tmp);
      res[6] = lanes(b2, tmp);
      res[7] = lanes(b3, tmp);
      res[8] = lanes(c0, tmp);
      res[9] = lanes(c1, tmp);
      res[10] = lanes(c2, tmp);
      res[11] = lanes(c3, tmp);
      res[12] = lanes(d0, tmp);
      res[13] = lanes(d1, tmp);
      res[14] = lanes(d2, tmp);
      res[15] = lanes(d3, tmp);
    } else {
      java.util.Arrays.fill(res, 0, 16, 0f);
    }
    for (; i < len; i++) {
      float v0 = x0[i], v1 = x1[i], v2 = x2[i], v3 = x3[i];
      for (int r = 0; r < 4; r++) {
        float wr = w[off + r * stride + i];
        res[4 * r] = Math.fma(wr, v0, res[4 * r]);
        res[4 * r + 1] = Math.fma(wr, v1, res[4 * r + 1]);
        res[4 * r + 2] = Math.fma(wr, v2, res[4 * r + 2]);
        res[4 * r + 3] = Math.fma(wr, v3, res[4 * r + 3]);
      }
    }
  }

  /** The lanes of {@code v} added pairwise: lane i + lane i+w for w = L/2, L/4, .., 1. */
  private static float lanes(FloatVector v, float[] tmp) {
    v.intoArray(tmp, 0);
    for (int w = L / 2; w >= 1; w /= 2) for (int j = 0; j < w; j++) tmp[j] += tmp[j + w];
    return tmp[0];
  }

  /**
   * Sum of a[aOff+i] * b[bOff+i] for i < len, always in the same order: one 16-lane accumulator of fused
   * multiply-adds, its lanes added pairwise (lane i + lane i+w for w = L/2, L/4, .., 1), then the scalar
   * tail. (One accumulator is enough at batch 1, where a product waits on memory, not on the adds; batched
   * products get their parallelism from {@link #dot4x4}'s 16 independent sums.)
   */
  static float dot(float[] a, int aOff, float[] b, int bOff, int len, float[] tmp) {
    int i = 0;
    float sum = 0f;
    if (len >= L) {
      FloatVector s0 = FloatVector.zero(S);
      int bound = len - len % L;
      for (; i < bound; i += L) s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
      sum = lanes(s0, tmp);
    }
    for (; i < len; i++) sum = Math.fma(a[aOff + i], b[bOff + i], sum);
    return sum;
  }

  /** Causal attention of every row over its own sequence's positions 0..rowPos, (row, head) pairs split over the threads. */
  private void attention(Decoder.State[] st, int l, int rows, int[] rowSeq, int[] rowPos) {
    int g = heads / kvHeads;
    float scale = (float) (1.0 / Math.sqrt(hd));
    int tasks = rows * heads;
    workers.run(p -> {
      float[] tmp = lanes[p];
      int from = workers.from(p, tasks), to = workers.from(p + 1, tasks);
      float[] sc = scores[p];
      if (sc == null || sc.length < maxPos) sc = scores[p] = new float[maxPos];
      for (int t = from; t < to; t++) {
        int i = t / heads, h = t % heads;
        State state = (State) st[rowSeq[i]];
        float[] keys = state.keys[l], values = state.values[l];
        int kvOff = (h / g) * hd;
        int upto = rowPos[i];
        float[] qi = q[i];
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j <= upto; j++) {
          float s = dot(qi, h * hd, keys, j * kvDim + kvOff, hd, tmp) * scale;
          sc[j] = s;
          if (s > max) max = s;
        }
        float sum = 0f;
        for (int j = 0; j <= upto; j++) {
          float e = (float) Math.exp(sc[j] - max);
          sc[j] = e;
          sum += e;
        }
        float[] out = att[i];
        int o = h * hd;
        Arrays.fill(out, o, o + hd, 0f);
        for (int j = 0; j <= upto; j++) {
          float pj = sc[j] / sum;
          axpy(out, o, pj, values, j * kvDim + kvOff, hd);
        }
      }
    });
  }

  /** y[yOff+i] += a * x[xOff+i] (fused), lane-wise: each element's order is fixed. */
  private static void axpy(float[] y, int yOff, float a, float[] xs, int xOff, int len) {
    int i = 0;
    if (len >= L) {
      FloatVector av = FloatVector.broadcast(S, a);
      int bound = len - len % L;
      for (; i < bound; i += L) FloatVector.fromArray(S, xs, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
    }
    for (; i < len; i++) y[yOff + i] = Math.fma(xs[xOff + i], a, y[yOff + i]);
  }

  /** out = x / sqrt(mean(x^2) + eps) * weight. */
  private void rmsNorm(float[] out, float[] xs, float[] weight) {
    float ss = 0f;
    for (int i = 0; i < dim; i++) ss = Math.fma(xs[i], xs[i], ss);
    float inv = (float) (1.0 / Math.sqrt(ss / dim + (float) c.rmsNormEps()));
    for (int i = 0; i < dim; i++) out[i] = xs[i] * inv * weight[i];
  }

  /** Rotate-half rotary embedding of each head of {@code v} in place. */
  private void rope(float[] vec, int nHeads, float[] cos, float[] sin) {
    int half = hd / 2;
    for (int h = 0; h < nHeads; h++) {
      int o = h * hd;
      for (int i = 0; i < half; i++) {
        float a = vec[o + i], b = vec[o + half + i];
        vec[o + i] = a * cos[i] - b * sin[i];
        vec[o + half + i] = b * cos[i] + a * sin[i];
      }
    }
  }

  /** a = silu(a) * b. */
  private void swiglu(float[] a, float[] b) {
    for (int i = 0; i < ffn; i++) {
      float g = a[i];
      a[i] = g / (1f + (float) Math.exp(-g)) * b[i];
    }
  }

  private void add(float[] a, float[] b) {
    for (int i = 0; i < dim; i++) a[i] += b[i];
  }

  @Override
  public void close() {
    workers.close();
  }
}
