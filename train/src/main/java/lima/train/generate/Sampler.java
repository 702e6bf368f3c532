package lima.train.generate;

import java.util.random.RandomGenerator;

/** Picks the next token from logits (which it may modify in place). */
@FunctionalInterface
public interface Sampler {
  int sample(float[] logits, RandomGenerator rng);

  /** The sampler the options ask for: greedy at temperature 0, else top-p at that temperature (p = 1: plain temperature sampling). */
  static Sampler of(GenerateOptions o) {
    if (o.greedy()) return new GreedySampler();
    return o.topP() >= 1f ? new TemperatureSampler(o.temperature()) : new TopPSampler(o.temperature(), o.topP());
  }
}
