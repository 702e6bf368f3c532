package lima.train.generate;

import java.util.random.RandomGenerator;

/** The most likely token (the lowest id on a tie). */
public record GreedySampler() implements Sampler {
  @Override
  public int sample(float[] logits, RandomGenerator rng) {
    return argmax(logits);
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
}
