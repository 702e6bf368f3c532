package lima.curate.select;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import lima.core.Example;
import lima.core.Hashing;

/**
 * Temperature sampling over strata (LIMA's Stack Exchange rule, tau = 3): each draw picks stratum s
 * with probability proportional to n_s^(1/tau), n_s being its size before sampling, among strata
 * not yet exhausted, then takes that stratum's next item in the order given. tau = 1 is proportional
 * sampling; tau = infinity is uniform over strata ("category first", LIMA's wikiHow rule).
 *
 * <p>As a {@link Selector} ({@code temperature}, LIMA's Stack Exchange rule): strata are the values of the
 * meta key {@code strata} (e.g. {@code site}), each stratum's examples taken in pool order (best first).
 *
 * <p>Deterministic for a given generator: strata are visited in sorted key order.
 */
public record TemperatureSelector(String strata, double tau) implements Selector {
  public static final String NAME = "temperature";

  public TemperatureSelector {
    if (strata == null || strata.isBlank()) throw new IllegalArgumentException("temperature sampling needs a strata key");
    checkTau(tau);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Example> select(List<Example> pool, int k, long seed, String stream) {
    return sample(Selector.strata(pool, strata), k, tau, Hashing.rng(seed, stream));
  }

  /** Uniform over strata: {@code tau = infinity}. */
  public static final double UNIFORM = Double.POSITIVE_INFINITY;

  /** The probability of each stratum on the first draw. */
  public static Map<String, Double> probabilities(Map<String, Integer> sizes, double tau) {
    checkTau(tau);
    Map<String, Double> w = new TreeMap<>();
    double total = 0;
    for (var e : new TreeMap<>(sizes).entrySet()) {
      if (e.getValue() <= 0) continue;
      double x = weight(e.getValue(), tau);
      w.put(e.getKey(), x);
      total += x;
    }
    for (var e : w.entrySet()) e.setValue(e.getValue() / total);
    return w;
  }

  private static double weight(int n, double tau) {
    return Double.isInfinite(tau) ? 1.0 : Math.pow(n, 1.0 / tau);
  }

  private static void checkTau(double tau) {
    if (!(tau > 0)) throw new IllegalArgumentException("temperature tau must be > 0, got " + tau);
  }

  /**
   * Draws up to {@code k} items without replacement; fewer when all strata run out. Each stratum's
   * list is consumed front to back, so callers order it (best first, or shuffled with a seed).
   */
  public static <T> List<T> sample(Map<String, ? extends List<T>> strata, int k, double tau, RandomGenerator rng) {
    checkTau(tau);
    Map<String, List<T>> sorted = new TreeMap<>(strata);
    List<String> keys = new ArrayList<>();
    List<List<T>> lists = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (var e : sorted.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      keys.add(e.getKey());
      lists.add(e.getValue());
      weights.add(weight(e.getValue().size(), tau));
    }
    int[] next = new int[lists.size()];
    double total = weights.stream().mapToDouble(Double::doubleValue).sum();
    List<T> out = new ArrayList<>(Math.min(k, 1 << 16));
    while (out.size() < k && total > 1e-12) {
      double u = rng.nextDouble() * total;
      int s = -1;
      for (int i = 0; i < lists.size(); i++) {
        double w = weights.get(i);
        if (w == 0) continue;
        s = i;
        if (u < w) break;
        u -= w;
      }
      out.add(lists.get(s).get(next[s]++));
      if (next[s] == lists.get(s).size()) {
        total -= weights.get(s);
        weights.set(s, 0.0);
      }
    }
    return out;
  }

  /** Counts per stratum of a sample, for reports. */
  public static <T> Map<String, Integer> counts(List<T> items, java.util.function.Function<T, String> stratum) {
    Map<String, Integer> m = new TreeMap<>();
    for (T t : items) m.merge(stratum.apply(t), 1, Integer::sum);
    return new LinkedHashMap<>(m);
  }
}
