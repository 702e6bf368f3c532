package lima.curate.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import lima.core.Example;
import lima.core.Hashing;

/**
 * Category-first sampling (LIMA's wikiHow rule): draw a stratum uniformly among the strata that still
 * have items, then an item uniformly within it, without replacement. Strata that run dry drop out, so
 * small categories give what they have and the rest is spread over the others.
 *
 * <p>As a {@link Selector} ({@code category-first}): strata are the values of the meta key {@code
 * strata} ({@code top_category|title_cluster} for wikiHow: the first key present).
 *
 * <p>Deterministic: strata are visited in sorted order and items keep the order given, so the same
 * input lists and the same {@code rng} seed give the same sequence.
 */
public record CategoryFirstSelector(String strata) implements Selector {
  public static final String NAME = "category-first";

  public CategoryFirstSelector {
    if (strata == null || strata.isBlank()) throw new IllegalArgumentException("category-first sampling needs a strata key");
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Strata lists in pool order; {@code k < 0} draws every example (a category-first random order). */
  @Override
  public List<Example> select(List<Example> pool, int k, long seed, String stream) {
    return sample(Selector.strata(pool, strata), k, Hashing.rng(seed, stream)).stream().map(Pick::item).toList();
  }

  /** One drawn item and the stratum it came from. */
  public record Pick<T>(String stratum, T item) {}

  /**
   * Draws up to {@code n} items ({@code n < 0}: all of them, in a category-first random order).
   *
   * @param strata stratum name to its items (each list in a stable order)
   */
  public static <T> List<Pick<T>> sample(Map<String, List<T>> strata, int n, SplittableRandom rng) {
    TreeMap<String, List<T>> left = new TreeMap<>();
    strata.forEach((k, v) -> {
      if (!v.isEmpty()) left.put(k, new ArrayList<>(v));
    });
    List<Pick<T>> out = new ArrayList<>();
    while (!left.isEmpty() && (n < 0 || out.size() < n)) {
      List<String> names = new ArrayList<>(left.keySet());
      String s = names.get(rng.nextInt(names.size()));
      List<T> items = left.get(s);
      int i = rng.nextInt(items.size());
      // swap-remove keeps each draw O(1); the order left behind is still a pure function of the rng
      T item = items.get(i);
      items.set(i, items.get(items.size() - 1));
      items.remove(items.size() - 1);
      if (items.isEmpty()) left.remove(s);
      out.add(new Pick<>(s, item));
    }
    return out;
  }
}
