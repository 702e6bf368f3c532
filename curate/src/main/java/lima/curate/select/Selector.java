package lima.curate.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import lima.core.Example;
import lima.curate.diversity.TfIdfVectors;

/**
 * One sampling rule: takes up to {@code k} examples from a pool of eligible ones. {@code lima curate mix}
 * applies one per recipe entry (paper Table 1 quotas); a source's standalone {@code --count} calls the
 * same selector, so sampling happens in one place. Random choices are drawn from {@code (seed, stream)}
 * only ({@code stream} is {@code select/<entry name>}), so a result never depends on thread count.
 */
public interface Selector {
  /** The rule's name in a recipe's {@code select} field. */
  String name();

  /** Up to {@code k} examples of {@code pool}, in the order drawn; fewer when the pool runs out. */
  List<Example> select(List<Example> pool, int k, long seed, String stream);

  /** The stratum of {@code e}: the first of {@code keys} ({@code a|b}) its meta holds, else {@code (none)}. */
  static String stratum(Example e, String keys) {
    for (String k : keys.split("\\|")) {
      Object v = e.meta().get(k.strip());
      if (v != null) return String.valueOf(v);
    }
    return "(none)";
  }

  /** {@code pool} grouped by {@link #stratum}, strata sorted, each in pool order. */
  static Map<String, List<Example>> strata(List<Example> pool, String keys) {
    Map<String, List<Example>> by = new TreeMap<>();
    for (Example x : pool) by.computeIfAbsent(stratum(x, keys), s -> new ArrayList<>()).add(x);
    return by;
  }

  /** How many a rule can take: {@code k}, at most the pool's size, at least 0. */
  static int limit(int k, List<?> pool) {
    return Math.min(Math.max(k, 0), pool.size());
  }

  /** The examples of {@code pool} at {@code indices}, in that order. */
  static List<Example> at(List<Example> pool, int[] indices) {
    List<Example> out = new ArrayList<>(indices.length);
    for (int i : indices) out.add(pool.get(i));
    return out;
  }

  /** How a diversity rule picks: the indices of up to {@code k} prompts (k >= 1) given their TF-IDF vectors. */
  @FunctionalInterface
  interface PromptVectorPick {
    int[] pick(TfIdfVectors prompts, int k);
  }

  /**
   * A selection over TF-IDF vectors of the pool's prompts ({@code max-min}, {@code mmr}): up to {@code k}
   * examples in the order {@code pick} gives; none when {@code k} or the pool is 0.
   */
  static List<Example> byPromptVectors(List<Example> pool, int k, PromptVectorPick pick) {
    int n = limit(k, pool);
    if (n == 0) return new ArrayList<>();
    return at(pool, pick.pick(TfIdfVectors.of(pool.stream().map(Example::prompt).toList()), n));
  }

  /**
   * The selector for a recipe rule: {@code order}, {@code random}, {@code max-min}, {@code mmr}
   * (lambda), {@code temperature} (strata, tau), {@code category-first} (strata).
   */
  static Selector of(String rule, String strata, Double tau, Double lambda) {
    return switch (rule.toLowerCase(Locale.ROOT)) {
      case OrderSelector.NAME -> new OrderSelector();
      case RandomSelector.NAME -> new RandomSelector();
      case MaxMinSelector.NAME -> new MaxMinSelector();
      case MmrSelector.NAME -> new MmrSelector(lambda == null ? MmrSelector.DEFAULT_LAMBDA : lambda);
      case TemperatureSelector.NAME -> new TemperatureSelector(strata == null ? "site" : strata, tau == null ? 3.0 : tau);
      case CategoryFirstSelector.NAME -> new CategoryFirstSelector(strata == null ? "category" : strata);
      default -> throw new IllegalArgumentException("unknown selection rule '" + rule + "'");
    };
  }
}
