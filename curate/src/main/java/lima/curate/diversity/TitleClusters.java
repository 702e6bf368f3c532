package lima.curate.diversity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Clusters short texts (article titles) into {@code k} groups with spherical k-means over {@link
 * TfIdfVectors}: seeded farthest-point initialisation (first centre drawn with the seed, each next
 * centre the text least similar to all centres so far), then Lloyd iterations on cosine similarity.
 * Used as strata when an input carries no categories.
 */
public final class TitleClusters {
  private final int[] assignment;
  private final int k;
  private final List<List<String>> topTerms;

  private TitleClusters(int[] assignment, int k, List<List<String>> topTerms) {
    this.assignment = assignment;
    this.k = k;
    this.topTerms = topTerms;
  }

  /** Clusters {@code titles}; {@code k} is capped at the number of titles. */
  public static TitleClusters of(List<String> titles, int k, SplittableRandom rng, int iterations) {
    if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
    if (iterations < 0) throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
    int n = titles.size();
    int kk = Math.max(1, Math.min(k, n));
    if (n == 0) return new TitleClusters(new int[0], 0, List.of());
    TfIdfVectors tf = TfIdfVectors.of(titles);
    int dims = tf.vocabulary();
    float[][] centres = new float[kk][dims];
    // farthest-point seeding
    int first = rng.nextInt(n);
    double[] best = new double[n];
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    int c = 0;
    int pick = first;
    while (true) {
      set(centres[c], tf.get(pick));
      for (int i = 0; i < n; i++) best[i] = Math.max(best[i], dot(tf.get(i), centres[c]));
      if (++c == kk) break;
      int far = -1;
      for (int i = 0; i < n; i++) if (far < 0 || best[i] < best[far]) far = i;
      pick = far;
    }
    int[] assign = new int[n];
    assignAll(tf, centres, assign);
    for (int it = 0; it < iterations; it++) {
      for (float[] ce : centres) Arrays.fill(ce, 0f);
      int[] sizes = new int[kk];
      for (int i = 0; i < n; i++) {
        add(centres[assign[i]], tf.get(i));
        sizes[assign[i]]++;
      }
      for (int j = 0; j < kk; j++) normalise(centres[j]);
      int[] before = assign.clone();
      assignAll(tf, centres, assign);
      if (Arrays.equals(before, assign)) break;
    }
    // top terms per cluster, for the stats note
    List<String> vocab = vocabulary(titles, dims);
    List<List<String>> top = new ArrayList<>();
    for (int j = 0; j < kk; j++) {
      float[] ce = centres[j];
      Integer[] idx = new Integer[dims];
      for (int d = 0; d < dims; d++) idx[d] = d;
      Arrays.sort(idx, Comparator.comparingDouble((Integer d) -> -ce[d]).thenComparingInt(d -> d));
      List<String> t = new ArrayList<>();
      for (int d = 0; d < Math.min(3, dims); d++) if (ce[idx[d]] > 0) t.add(vocab.get(idx[d]));
      top.add(t);
    }
    return new TitleClusters(assign, kk, top);
  }

  private static List<String> vocabulary(List<String> titles, int dims) {
    // term ids in TfIdfVectors follow first appearance; replay that order to name them
    List<String> out = new ArrayList<>(dims);
    java.util.Set<String> seen = new java.util.HashSet<>();
    try (var analyzer = new org.apache.lucene.analysis.en.EnglishAnalyzer()) {
      for (String t : titles) for (String term : TfIdfVectors.terms(analyzer, t)) if (seen.add(term)) out.add(term);
    }
    return out;
  }

  private static void assignAll(TfIdfVectors tf, float[][] centres, int[] assign) {
    for (int i = 0; i < assign.length; i++) {
      int bestJ = 0;
      double bestS = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < centres.length; j++) {
        double s = dot(tf.get(i), centres[j]);
        if (s > bestS) {
          bestS = s;
          bestJ = j;
        }
      }
      assign[i] = bestJ;
    }
  }

  private static double dot(TfIdfVectors.Vector v, float[] dense) {
    double s = 0;
    int[] t = v.terms();
    float[] w = v.weights();
    for (int i = 0; i < t.length; i++) s += (double) w[i] * dense[t[i]];
    return s;
  }

  private static void set(float[] dense, TfIdfVectors.Vector v) {
    Arrays.fill(dense, 0f);
    add(dense, v);
  }

  private static void add(float[] dense, TfIdfVectors.Vector v) {
    int[] t = v.terms();
    float[] w = v.weights();
    for (int i = 0; i < t.length; i++) dense[t[i]] += w[i];
  }

  private static void normalise(float[] dense) {
    double s = 0;
    for (float f : dense) s += (double) f * f;
    if (s == 0) return;
    float inv = (float) (1 / Math.sqrt(s));
    for (int i = 0; i < dense.length; i++) dense[i] *= inv;
  }

  /** The cluster of text {@code i}, in {@code [0, k)}. */
  public int cluster(int i) {
    return assignment[i];
  }

  public int k() {
    return k;
  }

  /** Up to three highest-weighted stemmed terms of each cluster centre. */
  public List<List<String>> topTerms() {
    return topTerms;
  }

  /** A readable stratum name, e.g. {@code cluster-03 (cook, chicken, bake)}. */
  public String name(int cluster) {
    return String.format(java.util.Locale.ROOT, "cluster-%02d (%s)", cluster, String.join(", ", topTerms.get(cluster)));
  }
}
