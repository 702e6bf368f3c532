package lima.train.generate;

import java.util.random.RandomGenerator;

/** Samples from softmax(logits / temperature). */
public record TemperatureSampler(float temperature) implements Sampler {
  public TemperatureSampler {
    if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0: " + temperature);
  }

  @Override
  public int sample(float[] logits, RandomGenerator rng) {
    double[] p = softmax(logits, temperature);
    double r = rng.nextDouble();
    double cum = 0;
    for (int i = 0; i < p.length; i++) {
      cum += p[i];
      if (r < cum) return i;
    }
    return GreedySampler.argmax(logits);
  }

  /** Probabilities of logits / temperature, computed in double. */
  static double[] softmax(float[] logits, float temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) sum += (p[i] = Math.exp((logits[i] - max) / temperature));
    for (int i = 0; i < p.length; i++) p[i] /= sum;
    return p;
  }
}
