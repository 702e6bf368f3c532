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
 * multiply-adds in four accumulators, then the lanes summed pairwise in a fixed tree, never {@code
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
    quad = new float[threads][4];
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
      for (int g = from; g < to; g++) {
        float[][] out;
        float[] w;
        int j;
        if (g < d1) {
          out = o1;
          w = w1;
          j = g;
        } else if (g < d1 + d2) {
          out = o2;
          w = w2;
          j = g - d1;
        } else {
          out = o3;
          w = w3;
          j = g - d1 - d2;
        }
        int off = j * inDim;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
          dot4(w, off, in[i], in[i + 1], in[i + 2], in[i + 3], inDim, tmp, res);
          out[i][j] = res[0];
          out[i + 1][j] = res[1];
          out[i + 2][j] = res[2];
          out[i + 3][j] = res[3];
        }
        for (; i < n; i++) out[i][j] = dot(w, off, in[i], 0, inDim, tmp);
      }
    });
  }

  /**
   * {@link #dot} of one weight row with four inputs at once (each weight vector loaded once for the four):
   * every input's sum takes exactly the steps {@code dot} takes, so the results are bit-identical to four
   * {@code dot} calls.
   */
  static void dot4(float[] w, int off, float[] x0, float[] x1, float[] x2, float[] x3, int len, float[] tmp, float[] res) {
    int i = 0;
    float r0 = 0f, r1 = 0f, r2 = 0f, r3 = 0f;
    if (len >= L) {
      FloatVector z = FloatVector.zero(S);
      FloatVector a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z, c0 = z, c1 = z, c2 = z, c3 = z, d0 = z, d1 = z, d2 = z, d3 = z;
      int bound4 = len - len % (4 * L);
      for (; i < bound4; i += 4 * L) {
        FloatVector w0 = FloatVector.fromArray(S, w, off + i), w1 = FloatVector.fromArray(S, w, off + i + L);
        FloatVector w2 = FloatVector.fromArray(S, w, off + i + 2 * L), w3 = FloatVector.fromArray(S, w, off + i + 3 * L);
        a0 = w0.fma(FloatVector.fromArray(S, x0, i), a0);
        a1 = w1.fma(FloatVector.fromArray(S, x0, i + L), a1);
        a2 = w2.fma(FloatVector.fromArray(S, x0, i + 2 * L), a2);
        a3 = w3.fma(FloatVector.fromArray(S, x0, i + 3 * L), a3);
        b0 = w0.fma(FloatVector.fromArray(S, x1, i), b0);
        b1 = w1.fma(FloatVector.fromArray(S, x1, i + L), b1);
        b2 = w2.fma(FloatVector.fromArray(S, x1, i + 2 * L), b2);
        b3 = w3.fma(FloatVector.fromArray(S, x1, i + 3 * L), b3);
        c0 = w0.fma(FloatVector.fromArray(S, x2, i), c0);
        c1 = w1.fma(FloatVector.fromArray(S, x2, i + L), c1);
        c2 = w2.fma(FloatVector.fromArray(S, x2, i + 2 * L), c2);
        c3 = w3.fma(FloatVector.fromArray(S, x2, i + 3 * L), c3);
        d0 = w0.fma(FloatVector.fromArray(S, x3, i), d0);
        d1 = w1.fma(FloatVector.fromArray(S, x3, i + L), d1);
        d2 = w2.fma(FloatVector.fromArray(S, x3, i + 2 * L), d2);
        d3 = w3.fma(FloatVector.fromArray(S, x3, i + 3 * L), d3);
      }
      int bound = len - len % L;
      for (; i < bound; i += L) {
        FloatVector w0 = FloatVector.fromArray(S, w, off + i);
        a0 = w0.fma(FloatVector.fromArray(S, x0, i), a0);
        b0 = w0.fma(FloatVector.fromArray(S, x1, i), b0);
        c0 = w0.fma(FloatVector.fromArray(S, x2, i), c0);
        d0 = w0.fma(FloatVector.fromArray(S, x3, i), d0);
      }
      r0 = lanes(a0.add(a1).add(a2.add(a3)), tmp);
      r1 = lanes(b0.add(b1).add(b2.add(b3)), tmp);
      r2 = lanes(c0.add(c1).add(c2.add(c3)), tmp);
      r3 = lanes(d0.add(d1).add(d2.add(d3)), tmp);
    }
    for (; i < len; i++) {
      float wi = w[off + i];
      r0 = Math.fma(wi, x0[i], r0);
      r1 = Math.fma(wi, x1[i], r1);
      r2 = Math.fma(wi, x2[i], r2);
      r3 = Math.fma(wi, x3[i], r3);
    }
    res[0] = r0;
    res[1] = r1;
    res[2] = r2;
    res[3] = r3;
  }

  /** The lanes of {@code v} added pairwise: lane i + lane i+w for w = L/2, L/4, .., 1. */
  private static float lanes(FloatVector v, float[] tmp) {
    v.intoArray(tmp, 0);
    for (int w = L / 2; w >= 1; w /= 2) for (int j = 0; j < w; j++) tmp[j] += tmp[j + w];
    return tmp[0];
  }

  /**
   * Sum of a[aOff+i] * b[bOff+i] for i < len, always in the same order: four 16-lane accumulators of fused
   * multiply-adds, combined (0+1)+(2+3), the lanes halved pairwise (lane i + lane i+w for w = L/2, L/4, .., 1),
   * then the scalar tail.
   */
  static float dot(float[] a, int aOff, float[] b, int bOff, int len, float[] tmp) {
    int i = 0;
    float sum = 0f;
    if (len >= L) {
      FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
      int bound4 = len - len % (4 * L);
      for (; i < bound4; i += 4 * L) {
        s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
        s1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), s1);
        s2 = FloatVector.fromArray(S, a, aOff + i + 2 * L).fma(FloatVector.fromArray(S, b, bOff + i + 2 * L), s2);
        s3 = FloatVector.fromArray(S, a, aOff + i + 3 * L).fma(FloatVector.fromArray(S, b, bOff + i + 3 * L), s3);
      }
      int bound = len - len % L;
      for (; i < bound; i += L) s0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), s0);
      sum = lanes(s0.add(s1).add(s2.add(s3)), tmp);
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
