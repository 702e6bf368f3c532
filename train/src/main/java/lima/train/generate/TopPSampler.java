package lima.train.generate;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Nucleus sampling: the smallest set of most likely tokens whose probabilities (at the given temperature)
 * add up to at least {@code p}, renormalised, sampled from. Tokens with probability below {@code (1-p)/(n-1)}
 * can never be in the nucleus, so only the others are sorted.
 */
public record TopPSampler(float temperature, float p) implements Sampler {
  public TopPSampler {
    if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0: " + temperature);
    if (!(p > 0 && p <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1]: " + p);
  }

  @Override
  public int sample(float[] logits, RandomGenerator rng) {
    int[] nucleus = nucleus(logits);
    double[] probs = TemperatureSampler.softmax(logits, temperature);
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

  /** Ids of the nucleus, most likely first. */
  public int[] nucleus(float[] logits) {
    double[] probs = TemperatureSampler.softmax(logits, temperature);
    int n = probs.length;
    double cutoff = n > 1 ? (1.0 - p) / (n - 1) : 0;
    Integer[] cand = new Integer[n];
    int k = 0;
    for (int i = 0; i < n; i++) if (probs[i] >= cutoff) cand[k++] = i;
    Integer[] c = Arrays.copyOf(cand, k);
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
