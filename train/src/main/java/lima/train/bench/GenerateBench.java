package lima.train.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import lima.train.model.KvCache;
import lima.train.model.LlamaConfig;
import lima.train.model.LlamaModel;

/**
 * Generation speed at batch 1 on a randomly initialised LLaMA: tokens/s with the KV cache, the time per
 * token at positions 1 and {@code far}, and the same without the cache (each token recomputes the whole
 * prefix). Usage: {@code java -cp cli/target/lima.jar lima.train.bench.GenerateBench [--dim 768]
 * [--layers 12] [--heads 12] [--vocab 32000] [--ffn 2048] [--tied 1] [--far 1000] [--tokens 64] [--reps 5]}. The
 * defaults are llama2.c's 110M model shape (109.5M parameters with tied embeddings).
 */
public final class GenerateBench {
  private GenerateBench() {}

  public static void main(String[] args) {
    int dim = 768, layers = 12, heads = 12, vocab = 32000, ffn = 2048, far = 1000, tokens = 64, reps = 5;
    boolean tied = true;
    for (int i = 0; i + 1 < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--dim" -> dim = v;
        case "--layers" -> layers = v;
        case "--heads" -> heads = v;
        case "--vocab" -> vocab = v;
        case "--ffn" -> ffn = v;
        case "--far" -> far = v;
        case "--tokens" -> tokens = v;
        case "--reps" -> reps = v;
        case "--tied" -> tied = v != 0;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    LlamaConfig c = new LlamaConfig(dim, layers, heads, heads, ffn, 1e-5, 10000.0, tied, 1, java.util.List.of(2), Math.max(2048, far + tokens + 8), vocab, dim / heads, "float32");
    String threads = System.getProperty("ai.djl.pytorch.num_threads", "default (" + Runtime.getRuntime().availableProcessors() + " cores)");
    System.out.printf(Locale.ROOT, "model: dim %d, %d layers, %d heads, ffn %d, vocab %,d, %s embeddings: %,d parameters (%.1f M), fp32, batch 1, %s, PyTorch threads %s%n",
        dim, layers, heads, ffn, vocab, tied ? "tied" : "untied", c.parameterCount(), c.parameterCount() / 1e6, Engine.getEngine("PyTorch").defaultDevice(), threads);
    try (NDManager m = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
        LlamaModel model = LlamaModel.random(c, m, 1)) {
      // Warm-up.
      try (KvCache cache = model.newCache()) {
        for (int i = 0; i < 8; i++) step(model, m, cache, i % vocab);
      }
      // Cached: positions 0..tokens-1, timing each step; position 1 = the second token.
      double[] cached = new double[tokens];
      try (KvCache cache = model.newCache()) {
        for (int i = 0; i < tokens; i++) {
          long t0 = System.nanoTime();
          step(model, m, cache, (i * 31 + 7) % vocab);
          cached[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      double total = 0;
      for (double d : cached) total += d;
      System.out.printf(Locale.ROOT, "with KV cache:    %.1f tokens/s over positions 0..%d (%.1f ms/token)%n", tokens * 1000 / total, tokens - 1, total / tokens);
      double[] pos1 = new double[reps];
      for (int r = 0; r < reps; r++) {
        try (KvCache cache = model.newCache()) {
          step(model, m, cache, 5);
          long t0 = System.nanoTime();
          step(model, m, cache, 6);
          pos1[r] = (System.nanoTime() - t0) / 1e6;
        }
      }
      System.out.printf(Locale.ROOT, "with KV cache:    position 1: %.1f ms/token (best of %d)%n", best(pos1, 0, reps), reps);
      // Cached at position `far`: fill the cache with a prefill of `far` tokens, then time single steps.
      try (KvCache cache = model.newCache()) {
        long[] prefix = new long[far];
        for (int i = 0; i < far; i++) prefix[i] = (i * 31 + 7) % vocab;
        long t0 = System.nanoTime();
        try (NDScope s = new NDScope()) {
          s.suppressNotUsedWarning();
          model.forward(m.create(prefix, new Shape(1, far)), cache, false, true).toFloatArray();
        }
        double prefillMs = (System.nanoTime() - t0) / 1e6;
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
          long a = System.nanoTime();
          step(model, m, cache, i + 3);
          t[i] = (System.nanoTime() - a) / 1e6;
        }
        lastFar = best(t, 0, reps);
        System.out.printf(Locale.ROOT, "with KV cache:    position %d: %.1f ms/token (best of %d; prefill of %d tokens took %.0f ms, %.0f tokens/s)%n", far, best(t, 0, reps), reps, far, prefillMs, far * 1000 / prefillMs);
      }
      // Without the cache: each new token reruns the whole sequence.
      double[] p1 = new double[reps], pf = new double[Math.max(1, reps / 3)];
      for (int i = 0; i < reps; i++) p1[i] = uncached(model, m, 2, vocab);
      for (int i = 0; i < pf.length; i++) pf[i] = uncached(model, m, far + 1, vocab);
      System.out.printf(Locale.ROOT, "without cache:    position 1: %.1f ms/token (best of %d)%n", best(p1, 0, p1.length), p1.length);
      System.out.printf(Locale.ROOT, "without cache:    position %d: %.1f ms/token (best of %d; %.1fx the cached time)%n", far, best(pf, 0, pf.length), pf.length, best(pf, 0, pf.length) / Math.max(1e-9, lastFar));
      System.out.println("(times are the best of several runs: on a shared machine the minimum is the least disturbed)");
    }
  }

  private static double lastFar = 0;

  private static void step(LlamaModel model, NDManager m, KvCache cache, int id) {
    try (NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      NDArray logits = model.forward(m.create(new long[] {id}, new Shape(1, 1)), cache, false, true);
      logits.toFloatArray();
    }
  }

  /** Time to produce the token at position len-1 by running all len positions (no cache). */
  private static double uncached(LlamaModel model, NDManager m, int len, int vocab) {
    long[] ids = new long[len];
    for (int i = 0; i < len; i++) ids[i] = (i * 31 + 7) % vocab;
    long t0 = System.nanoTime();
    try (NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      model.forward(m.create(ids, new Shape(1, len)), null, false, true).toFloatArray();
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  /** The best (smallest) time of a range: on a shared machine the minimum is the least disturbed figure. */
  private static double best(double[] a, int from, int to) {
    double[] c = java.util.Arrays.copyOfRange(a, from, Math.max(from + 1, to));
    java.util.Arrays.sort(c);
    return c[0];
  }
}
