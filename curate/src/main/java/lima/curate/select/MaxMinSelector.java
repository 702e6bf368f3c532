package lima.curate.select;

import java.util.ArrayList;
import java.util.List;
import lima.core.Example;
import lima.curate.diversity.DiverseSelection;
import lima.curate.diversity.TfIdfVectors;

/** {@code max-min}: greedy farthest-point selection over TF-IDF vectors of the prompts (the most diverse {@code k}). */
public record MaxMinSelector() implements Selector {
  public static final String NAME = "max-min";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Example> select(List<Example> pool, int k, long seed, String stream) {
    int n = Math.min(Math.max(k, 0), pool.size());
    if (n == 0) return new ArrayList<>();
    return Selector.at(pool, DiverseSelection.maxMin(TfIdfVectors.of(pool.stream().map(Example::prompt).toList()), n, 0));
  }
}
