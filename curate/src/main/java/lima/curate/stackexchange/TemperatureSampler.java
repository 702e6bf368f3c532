package lima.curate.stackexchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Draws {@code n} items from ranked per-site lists with temperature sampling over sites: each draw
 * picks site e with probability proportional to {@code n_e^(1/tau)}, where {@code n_e} is the number
 * of eligible items the site had at the start, and takes that site's highest-ranked item not yet
 * taken. A site that runs out leaves the draw. {@code tau = 1} is proportional to size; large tau
 * approaches uniform over sites. Deterministic for a given random generator.
 */
public record TemperatureSampler(double tau) {
  public TemperatureSampler {
    if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("--tau must be > 0, got " + tau);
  }

  /** The weight of a site with {@code count} eligible items. */
  public double weight(long count) {
    return count <= 0 ? 0 : Math.pow(count, 1.0 / tau);
  }

  /**
   * Picks up to {@code n} items; {@code ranked} maps each site to its items, best first. The result
   * is in draw order.
   */
  public <T> List<T> sample(Map<String, List<T>> ranked, int n, SplittableRandom rng) {
    Map<String, List<T>> sites = new TreeMap<>(ranked); // a fixed site order makes draws reproducible
    List<String> names = new ArrayList<>();
    List<double[]> w = new ArrayList<>();
    for (var e : sites.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      names.add(e.getKey());
      w.add(new double[] {weight(e.getValue().size())});
    }
    int[] taken = new int[names.size()];
    List<T> out = new ArrayList<>();
    double total = 0;
    for (double[] x : w) total += x[0];
    while (out.size() < n && total > 0) {
      double r = rng.nextDouble() * total;
      int pick = -1;
      for (int i = 0; i < names.size(); i++) {
        double wi = w.get(i)[0];
        if (wi <= 0) continue;
        pick = i;
        if (r < wi) break;
        r -= wi;
      }
      List<T> items = sites.get(names.get(pick));
      out.add(items.get(taken[pick]++));
      if (taken[pick] >= items.size()) {
        w.get(pick)[0] = 0;
        total = 0;
        for (double[] x : w) total += x[0];
      }
    }
    return out;
  }
}
