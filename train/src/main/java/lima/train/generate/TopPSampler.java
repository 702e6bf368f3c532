package lima.train.generate;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Nucleus sampling: the smallest set of most likely tokens whose probabilities (at the given temperature)
 * add up to at least {@code p}, renormalised, sampled from. The most likely token is always in the
 * nucleus, however small {@code p} is. A token of the nucleus carries more than {@code (1-p)/n} of the
 * mass (the tokens from it down hold more than {@code 1-p}, and there are at most {@code n} of them), so
 * only tokens above half that bound are sorted.
 */
public record TopPSampler(float temperature, float p) implements Sampler {
  public TopPSampler {
    if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0: " + temperature);
    if (!(p > 0 && p <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1]: " + p);
  }

  @Override
  public int sample(float[] logits, RandomGenerator rng) {
    double[] probs = TemperatureSampler.softmax(logits, temperature);
    int[] nucleus = nucleus(probs);
    double total = 0;
    for (int i : nucleus) total += probs[i];
    double r = rng.nextDouble() * total;
    double cum = 0;
    for (int i : nucleus) {
      cum += probs[i];
      if (r < cum) return i;
    }
    return nucleus[nucleus.length - 1];
  }

  /** Ids of the nucleus, most likely first; never empty. */
  public int[] nucleus(float[] logits) {
    return nucleus(TemperatureSampler.softmax(logits, temperature));
  }

  private int[] nucleus(double[] probs) {
    int n = probs.length;
    int top = 0;
    for (int i = 1; i < n; i++) if (probs[i] > probs[top]) top = i;
    // Half the proven bound: rounding in the sums below can never drop a token that belongs.
    double cutoff = (1.0 - p) / n * 0.5;
    int[] cand = new int[n];
    int k = 0;
    for (int i = 0; i < n; i++) if (i == top || probs[i] >= cutoff) cand[k++] = i;
    Integer[] c = new Integer[k];
    for (int i = 0; i < k; i++) c[i] = cand[i];
    Arrays.sort(c, (a, b) -> probs[a] != probs[b] ? Double.compare(probs[b], probs[a]) : Integer.compare(a, b));
    double cum = 0;
    int keep = 0;
    while (keep < c.length) {
      cum += probs[c[keep++]];
      if (cum >= p) break;
    }
    int[] out = new int[keep];
    for (int i = 0; i < keep; i++) out[i] = c[i];
    return out;
  }
}
