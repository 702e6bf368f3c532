package lima.train.model;

import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import lima.train.safetensors.SafetensorsCheckpoint;

/**
 * LLaMA inference in plain Java on the CPU, fp32: the default decoder of {@code lima generate} and {@code
 * lima serve} (training and the GPU use the DJL {@link LlamaModel}). Same arithmetic as the DJL model and
 * transformers' {@code LlamaForCausalLM} (RMSNorm, rotary positions in the rotate-half layout, grouped-query
 * attention, SwiGLU), written after llama2.c and llama3.java: weights in Java arrays, matrix products with
 * the JDK Vector API on weights packed in panels ({@link PackedMatrix}), every buffer allocated once, no
 * per-token allocation, and the panels of each product split over a fixed team of threads.
 *
 * <p><b>Fixed reduction order.</b> Every sum adds the same terms in the same order whatever the batch, the
 * thread count or the other sequences of a call: a matrix product's output is one running fused
 * multiply-add over the columns ({@link PackedMatrix}); an attention score is a dot product of 16-lane fused
 * multiply-adds in four accumulators whose lanes are summed pairwise in a fixed tree, never {@code
 * reduceLanes}, whose order the JIT may change. So logits do not depend on batching or threads: a batched
 * answer equals the answer alone, token for token, and one thread equals many. They may differ in the last
 * bits from the DJL model's.
 *
 * <p>A {@link #forward} call takes several sequences, each with any number of new tokens; all new tokens
 * of the call go through each weight matrix together (the matrix is read once per call, not once per
 * token, and four inputs share each load of a weight), which is what makes a batch of sequences cost
 * little more than one.
 *
 * <p>Thread count: {@link #defaultThreads(LlamaConfig)} (one thread for models whose weights fit in the
 * CPU caches, where waking a second thread costs more than it saves; all cores otherwise).
 */
public final class CpuLlama implements Decoder {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private final LlamaConfig c;
  private final int dim, heads, kvHeads, hd, kvDim, qDim, ffn, vocab, nLayers, maxPos;
  /** Row-major input embeddings, or null when tied to {@link #head} (looked up from its packed rows). */
  private final float[] embed;
  private final PackedMatrix head;
  private final float[] finalNorm;
  private final Layer[] layers;
  private final float[] invFreq;
  private final Workers workers;
  // Per-call buffers, grown to the largest number of rows seen.
  private int capRows;
  private float[][] x, xb, q, k, v, att, hb, hb2, xo;
  private final float[][] scores;
  private final float[][] spill;
  /** The next (row, head) of attention, handed to whichever thread asks first. */
  private final AtomicInteger nextTask = new AtomicInteger();
  /** The panels of a product: a contiguous run for each thread, the ends shared (measured faster than one counter). */
  private final Ranges panels;

  private record Layer(float[] attnNorm, PackedMatrix wq, PackedMatrix wk, PackedMatrix wv, PackedMatrix wo, float[] ffnNorm, PackedMatrix w1, PackedMatrix w2,
      PackedMatrix w3) {}

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
    // Each matrix is packed and its row-major copy dropped from the map at once, so loading needs one
    // matrix's worth of memory beyond the model.
    head = pack(w, c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight", vocab, dim);
    embed = c.tieWordEmbeddings() ? null : w.remove("model.embed_tokens.weight");
    finalNorm = w.get("model.norm.weight");
    layers = new Layer[nLayers];
    for (int i = 0; i < nLayers; i++) {
      String p = "model.layers." + i + ".";
      layers[i] = new Layer(w.get(p + "input_layernorm.weight"), pack(w, p + "self_attn.q_proj.weight", qDim, dim), pack(w, p + "self_attn.k_proj.weight", kvDim, dim),
          pack(w, p + "self_attn.v_proj.weight", kvDim, dim), pack(w, p + "self_attn.o_proj.weight", dim, qDim), w.get(p + "post_attention_layernorm.weight"),
          pack(w, p + "mlp.gate_proj.weight", ffn, dim), pack(w, p + "mlp.down_proj.weight", dim, ffn), pack(w, p + "mlp.up_proj.weight", ffn, dim));
    }
    // As transformers and Rope: inv_freq = 1 / theta^(2i/d) in fp32; angle = position * inv_freq in fp32.
    invFreq = new float[hd / 2];
    for (int i = 0; i < hd / 2; i++) invFreq[i] = (float) (1.0 / Math.pow(c.ropeTheta(), (float) (2 * i) / (float) hd));
    workers = new Workers(threads);
    panels = new Ranges(threads);
    scores = new float[threads][];
    spill = new float[threads][PackedMatrix.P];
  }

  private static PackedMatrix pack(Map<String, float[]> w, String name, int rows, int cols) {
    return PackedMatrix.pack(w.remove(name), rows, cols);
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

  /**
   * Keys and values of one sequence, per layer, head-major ({@code [kvHead][position][headDim]}: the positions one
   * head of attention reads lie one after another), grown by doubling.
   */
  public static final class State implements Decoder.State {
    private final CpuLlama owner;
    private final float[][] keys, values;
    /** Positions each head's block holds. */
    private int cap;
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
      int have = keys[0] == null ? 0 : cap;
      if (positions <= have) return;
      int grown = Math.max(64, have);
      while (grown < positions) grown *= 2;
      grown = Math.min(grown, owner.maxPos);
      for (int l = 0; l < keys.length; l++) {
        keys[l] = regrow(keys[l], have, grown);
        values[l] = regrow(values[l], have, grown);
      }
      cap = grown;
    }

    /** A head-major block of {@code grown} positions a head holding the first {@link #length} of {@code old}'s. */
    private float[] regrow(float[] old, int have, int grown) {
      int hd = owner.hd;
      float[] a = new float[owner.kvHeads * grown * hd];
      if (old != null) for (int h = 0; h < owner.kvHeads; h++) System.arraycopy(old, h * have * hd, a, h * grown * hd, length * hd);
      return a;
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
    // Outputs of matrix products hold whole panels (PackedMatrix.padded rows); inputs their exact width.
    x = new float[cap][dim];
    xb = new float[cap][dim];
    xo = new float[cap][PackedMatrix.padded(dim)];
    q = new float[cap][PackedMatrix.padded(qDim)];
    k = new float[cap][PackedMatrix.padded(kvDim)];
    v = new float[cap][PackedMatrix.padded(kvDim)];
    att = new float[cap][qDim];
    hb = new float[cap][PackedMatrix.padded(ffn)];
    hb2 = new float[cap][PackedMatrix.padded(ffn)];
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
        if (embed == null) head.row(id, x[r]);
        else System.arraycopy(embed, id * dim, x[r], 0, dim);
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
    // The per-row work between products (norms, rotary positions, SwiGLU, residual adds) is split over the
    // threads by rows too: a prompt brings hundreds of rows, whose SwiGLU alone would otherwise keep one core busy
    // while the others wait.
    perRow(rows, i -> rmsNorm(xb[i], x[i], layers[0].attnNorm));
    for (int l = 0; l < nLayers; l++) {
      Layer w = layers[l];
      int layer = l;
      float[] nextNorm = l + 1 < nLayers ? layers[l + 1].attnNorm : null;
      matmul3(q, w.wq, k, w.wk, v, w.wv, xb, rows);
      perRow(rows, i -> {
        rope(q[i], heads, cos[i], sin[i]);
        rope(k[i], kvHeads, cos[i], sin[i]);
        State state = (State) st[rowSeq[i]];
        for (int h = 0, at = rowPos[i] * hd; h < kvHeads; h++, at += state.cap * hd) {
          System.arraycopy(k[i], h * hd, state.keys[layer], at, hd);
          System.arraycopy(v[i], h * hd, state.values[layer], at, hd);
        }
      });
      attention(st, l, rows, rowSeq, rowPos);
      matmul3(xo, w.wo, null, null, null, null, att, rows);
      perRow(rows, i -> {
        add(x[i], xo[i]);
        rmsNorm(xb[i], x[i], w.ffnNorm);
      });
      matmul3(hb, w.w1, hb2, w.w3, null, null, xb, rows);
      perRow(rows, i -> swiglu(hb[i], hb2[i]));
      matmul3(xo, w.w2, null, null, null, null, hb, rows);
      perRow(rows, i -> {
        add(x[i], xo[i]);
        if (nextNorm != null) rmsNorm(xb[i], x[i], nextNorm);
      });
    }
    for (int s = 0; s < st.length; s++) ((State) st[s]).length += feeds[s].length;
    // Final norm and the output head for the last row of each sequence only.
    float[][] lastX = new float[st.length][];
    for (int s = 0; s < st.length; s++) {
      if (logits[s] == null || logits[s].length != vocab) throw new IllegalArgumentException("logits buffer must hold " + vocab);
      rmsNorm(xb[s], x[last[s]], finalNorm);
      lastX[s] = xb[s];
    }
    matmul3(logits, head, null, null, null, null, lastX, st.length);
  }

  /** {@code each.accept(i)} for every row i < rows, the rows cut into one range a thread (one row: no hand-off). */
  private void perRow(int rows, IntConsumer each) {
    if (rows == 1) {
      each.accept(0);
      return;
    }
    workers.run(p -> {
      for (int i = workers.from(p, rows), end = workers.from(p + 1, rows); i < end; i++) each.accept(i);
    });
  }

  /**
   * Up to three products of the same inputs in one parallel region ({@code out[i] = w . in[i]} for i < n):
   * the panels of all are split over the threads together.
   */
  private void matmul3(float[][] o1, PackedMatrix w1, float[][] o2, PackedMatrix w2, float[][] o3, PackedMatrix w3, float[][] in, int n) {
    int p1 = w1.panels, p2 = w2 == null ? 0 : w2.panels, p3 = w3 == null ? 0 : w3.panels;
    int total = p1 + p2 + p3;
    // Each thread streams its own contiguous run of panels, then helps the others from their ends
    // (Ranges); each panel is computed whole by one thread, so the results do not depend on who took it.
    panels.reset(total);
    workers.run(t -> {
      float[] sp = spill[t];
      for (int g = panels.next(t); g >= 0; g = panels.next(t)) {
        if (g < p1) w1.multiply(g, in, n, o1, sp);
        else if (g < p1 + p2) w2.multiply(g - p1, in, n, o2, sp);
        else w3.multiply(g - p1 - p2, in, n, o3, sp);
      }
    });
  }

  /**
   * Shuffles that bring lane i + w to lane i, for w = 8, 4, 2, 1, as constants: a shuffle the JIT cannot see
   * as a constant (one read from a list) made the attention scores 3.5x slower.
   */
  private static final VectorShuffle<Float> DOWN8 = down(8), DOWN4 = down(4), DOWN2 = down(2), DOWN1 = down(1);

  private static VectorShuffle<Float> down(int w) {
    return VectorShuffle.iota(S, w % L, 1, true);
  }

  /**
   * The lanes of {@code v} added pairwise: lane i + lane i+w for w = L/2, L/4, .., 1, in registers (each step
   * adds the vector to itself shifted down by w lanes; the lanes at and above w are not used again).
   */
  private static float lanes(FloatVector v) {
    if (L > 16) return lanesAnyWidth(v);
    if (L == 16) v = v.add(v.rearrange(DOWN8));
    if (L >= 8) v = v.add(v.rearrange(DOWN4));
    if (L >= 4) v = v.add(v.rearrange(DOWN2));
    if (L >= 2) v = v.add(v.rearrange(DOWN1));
    return v.lane(0);
  }

  /** {@link #lanes} for vectors of more than 16 floats (wider than AVX-512), the same order. */
  private static float lanesAnyWidth(FloatVector v) {
    float[] t = v.toArray();
    for (int w = L / 2; w >= 1; w /= 2) for (int j = 0; j < w; j++) t[j] += t[j + w];
    return t[0];
  }

  /**
   * The four accumulators of {@link #dot} for a head of four or eight vectors (64 and 128 floats with AVX-512),
   * combined (0+1)+(2+3), before the lanes are added: the same sums in the same order as the loop, without the
   * loop (measured 3x faster; the JIT kept the loop's vector sums in memory).
   */
  private static FloatVector headPartial(float[] a, int aOff, float[] b, int bOff, int len) {
    FloatVector z = FloatVector.zero(S);
    FloatVector s0 = FloatVector.fromArray(S, a, aOff).fma(FloatVector.fromArray(S, b, bOff), z);
    FloatVector s1 = FloatVector.fromArray(S, a, aOff + L).fma(FloatVector.fromArray(S, b, bOff + L), z);
    FloatVector s2 = FloatVector.fromArray(S, a, aOff + 2 * L).fma(FloatVector.fromArray(S, b, bOff + 2 * L), z);
    FloatVector s3 = FloatVector.fromArray(S, a, aOff + 3 * L).fma(FloatVector.fromArray(S, b, bOff + 3 * L), z);
    if (len == 8 * L) {
      int a4 = aOff + 4 * L, b4 = bOff + 4 * L;
      s0 = FloatVector.fromArray(S, a, a4).fma(FloatVector.fromArray(S, b, b4), s0);
      s1 = FloatVector.fromArray(S, a, a4 + L).fma(FloatVector.fromArray(S, b, b4 + L), s1);
      s2 = FloatVector.fromArray(S, a, a4 + 2 * L).fma(FloatVector.fromArray(S, b, b4 + 2 * L), s2);
      s3 = FloatVector.fromArray(S, a, a4 + 3 * L).fma(FloatVector.fromArray(S, b, b4 + 3 * L), s3);
    }
    return s0.add(s1).add(s2.add(s3));
  }

  /**
   * {@code sc[j] = dot(q, qOff, keys, off + j * stride, len)} for j < n: for heads of four or eight vectors,
   * four keys at a time, so that their four lane sums run side by side (measured 2x faster than one key after
   * another, whose sums wait on each other's shuffles); the same bits as {@link #dot}.
   */
  static void dots(float[] q, int qOff, float[] keys, int off, int stride, int len, int n, float[] sc) {
    int j = 0;
    if ((len == 4 * L || len == 8 * L) && L <= 16) {
      for (; j + 4 <= n; j += 4) {
        int k = off + j * stride;
        FloatVector p0 = headPartial(q, qOff, keys, k, len), p1 = headPartial(q, qOff, keys, k + stride, len);
        FloatVector p2 = headPartial(q, qOff, keys, k + 2 * stride, len), p3 = headPartial(q, qOff, keys, k + 3 * stride, len);
        // The steps of lanes(), each on the four keys (constant shuffles: the JIT folds them).
        if (L == 16) { p0 = p0.add(p0.rearrange(DOWN8)); p1 = p1.add(p1.rearrange(DOWN8)); p2 = p2.add(p2.rearrange(DOWN8)); p3 = p3.add(p3.rearrange(DOWN8)); }
        if (L >= 8) { p0 = p0.add(p0.rearrange(DOWN4)); p1 = p1.add(p1.rearrange(DOWN4)); p2 = p2.add(p2.rearrange(DOWN4)); p3 = p3.add(p3.rearrange(DOWN4)); }
        if (L >= 4) { p0 = p0.add(p0.rearrange(DOWN2)); p1 = p1.add(p1.rearrange(DOWN2)); p2 = p2.add(p2.rearrange(DOWN2)); p3 = p3.add(p3.rearrange(DOWN2)); }
        if (L >= 2) { p0 = p0.add(p0.rearrange(DOWN1)); p1 = p1.add(p1.rearrange(DOWN1)); p2 = p2.add(p2.rearrange(DOWN1)); p3 = p3.add(p3.rearrange(DOWN1)); }
        sc[j] = p0.lane(0);
        sc[j + 1] = p1.lane(0);
        sc[j + 2] = p2.lane(0);
        sc[j + 3] = p3.lane(0);
      }
    }
    for (; j < n; j++) sc[j] = dot(q, qOff, keys, off + j * stride, len);
  }

  /**
   * Sum of a[aOff+i] * b[bOff+i] for i < len, always in the same order: four 16-lane accumulators of fused
   * multiply-adds, combined (0+1)+(2+3), the lanes halved pairwise (lane i + lane i+w for w = L/2, L/4, .., 1),
   * then the scalar tail.
   */
  static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    if (len == 4 * L || len == 8 * L) return lanes(headPartial(a, aOff, b, bOff, len));
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
      sum = lanes(s0.add(s1).add(s2.add(s3)));
    }
    for (; i < len; i++) sum = Math.fma(a[aOff + i], b[bOff + i], sum);
    return sum;
  }

  /**
   * Causal attention of every row over its own sequence's positions 0..rowPos: the (row, head) pairs are handed
   * one at a time to whichever thread is free (a prompt's rows reach far more positions than a decoding row).
   */
  private void attention(Decoder.State[] st, int l, int rows, int[] rowSeq, int[] rowPos) {
    int g = heads / kvHeads;
    float scale = (float) (1.0 / Math.sqrt(hd));
    int tasks = rows * heads;
    nextTask.set(0);
    workers.run(p -> {
      float[] sc = scores[p];
      if (sc == null || sc.length < maxPos) sc = scores[p] = new float[maxPos];
      for (int t = nextTask.getAndIncrement(); t < tasks; t = nextTask.getAndIncrement()) {
        int i = t / heads, h = t % heads;
        State state = (State) st[rowSeq[i]];
        float[] keys = state.keys[l], values = state.values[l];
        int kvOff = (h / g) * state.cap * hd;
        int upto = rowPos[i];
        float[] qi = q[i];
        float max = Float.NEGATIVE_INFINITY;
        dots(qi, h * hd, keys, kvOff, hd, hd, upto + 1, sc);
        for (int j = 0; j <= upto; j++) {
          float s = sc[j] * scale;
          sc[j] = s;
          if (s > max) max = s;
        }
        int e = 0;
        for (FloatVector m = FloatVector.broadcast(S, max); e + L <= upto + 1; e += L) Exp.exp(FloatVector.fromArray(S, sc, e).sub(m)).intoArray(sc, e);
        for (; e <= upto; e++) sc[e] = Exp.exp(sc[e] - max);
        float sum = 0f;
        for (int j = 0; j <= upto; j++) sum += sc[j];
        for (int j = 0; j <= upto; j++) sc[j] = sc[j] / sum;
        weighted(att[i], h * hd, sc, upto + 1, values, kvOff, hd, hd);
      }
    });
  }

  /**
   * {@code out[o+d] = sum over j < n of p[j] * xs[j * stride + off + d]} for d < len, each element one running
   * fused multiply-add over j in order from zero (four vectors of elements at a time kept in registers).
   */
  private static void weighted(float[] out, int o, float[] p, int n, float[] xs, int off, int stride, int len) {
    int d = 0;
    for (; d + 4 * L <= len; d += 4 * L) {
      FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
      for (int j = 0, x = off + d; j < n; j++, x += stride) {
        FloatVector pj = FloatVector.broadcast(S, p[j]);
        a0 = FloatVector.fromArray(S, xs, x).fma(pj, a0);
        a1 = FloatVector.fromArray(S, xs, x + L).fma(pj, a1);
        a2 = FloatVector.fromArray(S, xs, x + 2 * L).fma(pj, a2);
        a3 = FloatVector.fromArray(S, xs, x + 3 * L).fma(pj, a3);
      }
      a0.intoArray(out, o + d);
      a1.intoArray(out, o + d + L);
      a2.intoArray(out, o + d + 2 * L);
      a3.intoArray(out, o + d + 3 * L);
    }
    for (; d + L <= len; d += L) {
      FloatVector a = FloatVector.zero(S);
      for (int j = 0, x = off + d; j < n; j++, x += stride) a = FloatVector.fromArray(S, xs, x).fma(FloatVector.broadcast(S, p[j]), a);
      a.intoArray(out, o + d);
    }
    for (; d < len; d++) {
      float a = 0f;
      for (int j = 0, x = off + d; j < n; j++, x += stride) a = Math.fma(xs[x], p[j], a);
      out[o + d] = a;
    }
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

  /** a = silu(a) * b: g / (1 + e^-g) * b, sixteen lanes at a time, the tail with the same steps one by one. */
  private void swiglu(float[] a, float[] b) {
    int i = 0;
    for (FloatVector one = FloatVector.broadcast(S, 1f); i + L <= ffn; i += L) {
      FloatVector g = FloatVector.fromArray(S, a, i);
      g.div(Exp.exp(g.neg()).add(one)).mul(FloatVector.fromArray(S, b, i)).intoArray(a, i);
    }
    for (; i < ffn; i++) {
      float g = a[i];
      a[i] = g / (1f + Exp.exp(-g)) * b[i];
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
