package lima.curate.select;

import java.util.List;
import lima.core.Example;
import lima.curate.dedup.DedupConfig;
import lima.curate.diversity.DiverseSelection;

/**
 * {@code mmr}: maximal marginal relevance over TF-IDF vectors of the prompts, trading quality (the
 * example's score, min-max scaled) against similarity to what is already chosen with weight {@code lambda}.
 */
public record MmrSelector(double lambda) implements Selector {
  public static final String NAME = "mmr";
  public static final double DEFAULT_LAMBDA = 0.7;

  public MmrSelector {
    if (!(lambda >= 0 && lambda <= 1)) throw new IllegalArgumentException("mmr lambda must be in [0, 1], got " + lambda);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Example> select(List<Example> pool, int k, long seed, String stream) {
    return Selector.byPromptVectors(pool, k, (prompts, n) -> {
      double[] relevance = DiverseSelection.minMaxScale(pool.stream().mapToDouble(DedupConfig::score).toArray());
      return DiverseSelection.mmr(prompts, relevance, n, lambda);
    });
  }
}
