package lima.curate.select;

import java.util.List;
import lima.core.Example;
import lima.curate.diversity.DiverseSelection;

/** {@code max-min}: greedy farthest-point selection over TF-IDF vectors of the prompts (the most diverse {@code k}). */
public record MaxMinSelector() implements Selector {
  public static final String NAME = "max-min";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Example> select(List<Example> pool, int k, long seed, String stream) {
    return Selector.byPromptVectors(pool, k, (prompts, n) -> DiverseSelection.maxMin(prompts, n, 0));
  }
}
