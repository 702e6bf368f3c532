package lima.train.model;

import java.io.IOException;
import java.nio.file.Path;
import lima.train.safetensors.SafetensorsCheckpoint;

/**
 * A straightforward LLaMA forward pass in plain Java arrays (no DJL, no cache), written from the
 * transformers LlamaForCausalLM code for tests: it reads the same safetensors folder and returns the logits
 * of every position.
 */
final class ReferenceLlama {
  final LlamaConfig c;
  final float[] embed, norm, head;
  final float[][] inNorm, q, k, v, o, postNorm, gate, up, down;

  ReferenceLlama(Path dir) throws IOException {
    c = LlamaConfig.read(dir);
    int L = c.numHiddenLayers();
    inNorm = new float[L][];
    q = new float[L][];
    k = new float[L][];
    v = new float[L][];
    o = new float[L][];
    postNorm = new float[L][];
    gate = new float[L][];
    up = new float[L][];
    down = new float[L][];
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(dir)) {
      embed = ck.readArray("model.embed_tokens.weight");
      norm = ck.readArray("model.norm.weight");
      head = c.tieWordEmbeddings() ? embed : ck.readArray("lm_head.weight");
      for (int l = 0; l < L; l++) {
        String p = "model.layers." + l + ".";
        inNorm[l] = ck.readArray(p + "input_layernorm.weight");
        q[l] = ck.readArray(p + "self_attn.q_proj.weight");
        k[l] = ck.readArray(p + "self_attn.k_proj.weight");
        v[l] = ck.readArray(p + "self_attn.v_proj.weight");
        o[l] = ck.readArray(p + "self_attn.o_proj.weight");
        postNorm[l] = ck.readArray(p + "post_attention_layernorm.weight");
        gate[l] = ck.readArray(p + "mlp.gate_proj.weight");
        up[l] = ck.readArray(p + "mlp.up_proj.weight");
        down[l] = ck.readArray(p + "mlp.down_proj.weight");
      }
    }
  }

  /** y = W x for W stored [out, in] row-major. */
  static double[] matvec(float[] w, double[] x, int out) {
    int in = x.length;
    double[] y = new double[out];
    for (int r = 0; r < out; r++) {
      double s = 0;
      for (int i = 0; i < in; i++) s += w[r * in + i] * x[i];
      y[r] = s;
    }
    return y;
  }

  double[] rmsnorm(double[] x, float[] w) {
    double ss = 0;
    for (double e : x) ss += e * e;
    double inv = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) y[i] = x[i] * inv * w[i];
    return y;
  }

  /** rotate_half RoPE on one head vector at position pos. */
  void rope(double[] vec, int off, int pos) {
    int d = c.headDim(), half = d / 2;
    double[] out = new double[d];
    for (int i = 0; i < d; i++) {
      int fi = i % half;
      double ang = pos / Math.pow(c.ropeTheta(), 2.0 * fi / d);
      double rot = i < half ? -vec[off + i + half] : vec[off + i - half];
      out[i] = vec[off + i] * Math.cos(ang) + rot * Math.sin(ang);
    }
    System.arraycopy(out, 0, vec, off, d);
  }

  /** Logits [T][V] for the whole sequence. */
  double[][] logits(int[] ids) {
    int T = ids.length, H = c.hiddenSize(), hd = c.headDim(), nh = c.numAttentionHeads(), nkv = c.numKeyValueHeads();
    double[][] x = new double[T][H];
    for (int t = 0; t < T; t++) for (int i = 0; i < H; i++) x[t][i] = embed[ids[t] * H + i];
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      double[][] qs = new double[T][], ks = new double[T][], vs = new double[T][];
      for (int t = 0; t < T; t++) {
        double[] h = rmsnorm(x[t], inNorm[l]);
        qs[t] = matvec(q[l], h, nh * hd);
        ks[t] = matvec(k[l], h, nkv * hd);
        vs[t] = matvec(v[l], h, nkv * hd);
        for (int a = 0; a < nh; a++) rope(qs[t], a * hd, t);
        for (int a = 0; a < nkv; a++) rope(ks[t], a * hd, t);
      }
      for (int t = 0; t < T; t++) {
        double[] att = new double[nh * hd];
        for (int a = 0; a < nh; a++) {
          int kvHead = a / (nh / nkv);
          double[] sc = new double[t + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int s = 0; s <= t; s++) {
            double dot = 0;
            for (int i = 0; i < hd; i++) dot += qs[t][a * hd + i] * ks[s][kvHead * hd + i];
            sc[s] = dot / Math.sqrt(hd);
            max = Math.max(max, sc[s]);
          }
          double sum = 0;
          for (int s = 0; s <= t; s++) sum += (sc[s] = Math.exp(sc[s] - max));
          for (int s = 0; s <= t; s++) for (int i = 0; i < hd; i++) att[a * hd + i] += sc[s] / sum * vs[s][kvHead * hd + i];
        }
        double[] ao = matvec(o[l], att, H);
        for (int i = 0; i < H; i++) x[t][i] += ao[i];
      }
      for (int t = 0; t < T; t++) {
        double[] h = rmsnorm(x[t], postNorm[l]);
        double[] g = matvec(gate[l], h, c.intermediateSize());
        double[] u = matvec(up[l], h, c.intermediateSize());
        for (int i = 0; i < g.length; i++) g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
        double[] dn = matvec(down[l], g, H);
        for (int i = 0; i < H; i++) x[t][i] += dn[i];
      }
    }
    double[][] out = new double[T][];
    for (int t = 0; t < T; t++) out[t] = matvec(head, rmsnorm(x[t], norm), c.vocabSize());
    return out;
  }
}
