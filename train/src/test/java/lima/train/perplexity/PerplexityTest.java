package lima.train.perplexity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import lima.train.model.LlamaConfig;
import lima.train.model.TinyModel;
import lima.train.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Perplexity against a hand computation. The model is a real LLaMA folder whose layers are all zero, so
 * every layer adds nothing to the residual stream and the logits after token t are {@code E · (g ⊙
 * E[t] / rms(E[t]))} (embedding E, used as the output head too, final norm weight g): a bigram model whose probabilities the
 * test computes in plain Java, scoring only the assistant tokens and their EOT.
 */
class PerplexityTest {
  @TempDir Path dir;

  static final LlamaConfig CONFIG = TinyModel.config(64);
  static final int H = CONFIG.hiddenSize(), V = CONFIG.vocabSize();

  /** Writes the zero-layer model; returns {embedding, norm weight}. */
  static float[][] writeBigramModel(Path d, long seed, boolean zeroEmbedding) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    float[] embed = new float[V * H];
    float[] norm = new float[H];
    for (int i = 0; i < embed.length; i++) embed[i] = zeroEmbedding ? 0f : (float) (r.nextDouble() * 2 - 1);
    for (int i = 0; i < H; i++) norm[i] = (float) (0.5 + r.nextDouble());
    TinyModel.write(d, CONFIG, 1); // config.json, tokenizer; weights replaced below
    SafetensorsWriter w = new SafetensorsWriter();
    w.add("model.embed_tokens.weight", new long[] {V, H}, embed);
    w.add("model.norm.weight", new long[] {H}, norm);
    if (!CONFIG.tieWordEmbeddings()) w.add("lm_head.weight", new long[] {V, H}, embed); // the same matrix as E
    int kv = CONFIG.numKeyValueHeads() * CONFIG.headDim(), q = CONFIG.numAttentionHeads() * CONFIG.headDim(), in = CONFIG.intermediateSize();
    for (int l = 0; l < CONFIG.numHiddenLayers(); l++) {
      String p = "model.layers." + l + ".";
      w.add(p + "input_layernorm.weight", new long[] {H}, ones(H));
      w.add(p + "post_attention_layernorm.weight", new long[] {H}, ones(H));
      w.add(p + "self_attn.q_proj.weight", new long[] {q, H}, new float[q * H]);
      w.add(p + "self_attn.k_proj.weight", new long[] {kv, H}, new float[kv * H]);
      w.add(p + "self_attn.v_proj.weight", new long[] {kv, H}, new float[kv * H]);
      w.add(p + "self_attn.o_proj.weight", new long[] {H, q}, new float[H * q]);
      w.add(p + "mlp.gate_proj.weight", new long[] {in, H}, new float[in * H]);
      w.add(p + "mlp.up_proj.weight", new long[] {in, H}, new float[in * H]);
      w.add(p + "mlp.down_proj.weight", new long[] {H, in}, new float[H * in]);
    }
    w.write(d);
    return new float[][] {embed, norm};
  }

  static float[] ones(int n) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, 1f);
    return a;
  }

  /** log p(next | prev) of the bigram model, by hand. */
  static double logProb(float[][] w, int prev, int next) {
    float[] e = w[0], g = w[1];
    double ss = 0;
    for (int j = 0; j < H; j++) ss += (double) e[prev * H + j] * e[prev * H + j];
    double rms = Math.sqrt(ss / H + CONFIG.rmsNormEps());
    double[] h = new double[H];
    for (int j = 0; j < H; j++) h[j] = g[j] * e[prev * H + j] / rms;
    double[] logits = new double[V];
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < V; v++) {
      double s = 0;
      for (int j = 0; j < H; j++) s += e[v * H + j] * h[j];
      logits[v] = s;
      max = Math.max(max, s);
    }
    double z = 0;
    for (double l : logits) z += Math.exp(l - max);
    return logits[next] - max - Math.log(z);
  }

  /** Char-level ids of the tiny tokenizer: newline is 4, printable ASCII c is 5 + (c - 32); BOS 1, EOT 3. */
  static int id(char c) {
    return c == '\n' ? 4 : 5 + (c - 32);
  }

  @Test
  void matchesTheHandComputationOverAssistantTokensOnly() throws IOException {
    Path d = dir.resolve("m");
    float[][] w = writeBigramModel(d, 7, false);
    // BOS h i EOT | o k EOT | y o EOT | n o EOT : trained = "ok" + EOT and "no" + EOT.
    List<String> turns = List.of("hi", "ok", "yo", "no");
    int eot = 3;
    double nll = 0;
    nll -= logProb(w, eot, id('o'));
    nll -= logProb(w, id('o'), id('k'));
    nll -= logProb(w, id('k'), eot);
    nll -= logProb(w, eot, id('n'));
    nll -= logProb(w, id('n'), id('o'));
    nll -= logProb(w, id('o'), eot);
    double single = -(logProb(w, eot, id('a')) + logProb(w, id('a'), eot));
    {
      Perplexity.Score s = Perplexity.score(d, lima.train.model.Placement.CPU_FP32, List.of(new Perplexity.Conversation("c1", turns), new Perplexity.Conversation("c2", List.of("question?", "a"))), 2048);
      assertEquals(2, s.examples().size());
      assertEquals(6, s.examples().get(0).tokens());
      assertEquals(nll, s.examples().get(0).nll(), 1e-4 * nll);
      assertEquals(2, s.examples().get(1).tokens());
      assertEquals(single, s.examples().get(1).nll(), 1e-4 * single);
      assertEquals(8, s.tokens());
      assertEquals(Math.exp((nll + single) / 8), s.perplexity(), 1e-4 * s.perplexity());
      assertFalse(s.examples().get(0).trimmed());
    }
  }

  @Test
  void aModelWithZeroWeightsIsUniformSoPerplexityIsTheVocabularySize() throws IOException {
    Path d = dir.resolve("zero");
    writeBigramModel(d, 3, true);
    {
      Perplexity.Score s = Perplexity.score(d, lima.train.model.Placement.CPU_FP32, List.of(new Perplexity.Conversation("c", List.of("What is it?", "A cat, I think."))), 2048);
      assertEquals("A cat, I think.".length() + 1, s.tokens());
      assertEquals(V, s.perplexity(), 1e-3);
    }
  }

  @Test
  void trimsLikeTrainingAndScoresWhatIsLeft() throws IOException {
    Path d = dir.resolve("m");
    float[][] w = writeBigramModel(d, 11, false);
    // BOS a b EOT c d e EOT: 8 tokens; trimmed to 6 (BOS a b EOT c d): scored c, d.
    double nll = -(logProb(w, 3, id('c')) + logProb(w, id('c'), id('d')));
    {
      Perplexity.Score s = Perplexity.score(d, lima.train.model.Placement.CPU_FP32, List.of(new Perplexity.Conversation("c", List.of("ab", "cde"))), 6);
      assertEquals(2, s.tokens());
      assertTrue(s.examples().get(0).trimmed());
      assertEquals(nll, s.nll(), 1e-4 * nll);
    }
  }

  @Test
  void aConversationWithoutAnAssistantTurnIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new Perplexity.Conversation("p-1", List.of("only a prompt")));
    assertTrue(e.getMessage().startsWith("p-1:"), e.getMessage());
  }
}
