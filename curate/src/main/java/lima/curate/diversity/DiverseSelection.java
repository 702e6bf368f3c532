package lima.curate.diversity;

import java.util.Arrays;

/**
 * Similarity-driven selection where no strata exist: greedy max-min (farthest point) and maximal
 * marginal relevance (MMR) over {@link TfIdfVectors}. Both are deterministic: ties go to the lower
 * index. Cost O(n k) cosine computations.
 */
public final class DiverseSelection {
  private DiverseSelection() {}

  /**
   * Greedy farthest-point selection: starts with {@code first}, then repeatedly adds the item whose
   * highest cosine similarity to the items already chosen is the lowest.
   */
  public static int[] maxMin(TfIdfVectors v, int k, int first) {
    int n = v.size();
    k = Math.min(k, n);
    if (k == 0) return new int[0];
    if (first < 0 || first >= n) throw new IllegalArgumentException("first must be in 0.." + (n - 1) + ", got " + first);
    int[] out = new int[k];
    double[] closest = new double[n];
    Arrays.fill(closest, Double.NEGATIVE_INFINITY);
    boolean[] taken = new boolean[n];
    int cur = first;
    for (int s = 0; s < k; s++) {
      out[s] = cur;
      taken[cur] = true;
      if (s == k - 1) break;
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (taken[i]) continue;
        closest[i] = Math.max(closest[i], v.get(i).cosine(v.get(cur)));
        if (best < 0 || closest[i] < closest[best]) best = i;
      }
      cur = best;
    }
    return out;
  }

  /**
   * Maximal marginal relevance: repeatedly adds the item maximising {@code lambda * relevance[i] -
   * (1 - lambda) * max cosine(i, chosen)}. relevance is on any scale the caller finds comparable to
   * cosine (e.g. scores rescaled to [0, 1]).
   */
  public static int[] mmr(TfIdfVectors v, double[] relevance, int k, double lambda) {
    int n = v.size();
    if (relevance.length != n) throw new IllegalArgumentException("relevance has " + relevance.length + " values for " + n + " items");
    if (!(lambda >= 0 && lambda <= 1)) throw new IllegalArgumentException("lambda must be in [0, 1], got " + lambda);
    k = Math.min(k, n);
    int[] out = new int[k];
    double[] closest = new double[n];
    boolean[] taken = new boolean[n];
    for (int s = 0; s < k; s++) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (taken[i]) continue;
        double score = lambda * relevance[i] - (1 - lambda) * (s == 0 ? 0 : closest[i]);
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
      out[s] = best;
      taken[best] = true;
      for (int i = 0; i < n; i++) if (!taken[i]) closest[i] = Math.max(closest[i], v.get(i).cosine(v.get(best)));
    }
    return out;
  }

  /** Rescales values to [0, 1] (all equal: all 1), for MMR relevance. */
  public static double[] minMaxScale(double[] x) {
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double d : x) {
      if (Double.isFinite(d)) {
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
      }
    }
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = !Double.isFinite(x[i]) ? 0 : hi > lo ? (x[i] - lo) / (hi - lo) : 1;
    return out;
  }
}
