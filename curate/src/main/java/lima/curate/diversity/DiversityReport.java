package lima.curate.diversity;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import lima.core.AtomicFiles;
import lima.core.Example;
import lima.core.Hashing;
import lima.core.Json;
import lima.curate.dedup.Dedup;
import lima.curate.dedup.DedupConfig;
import lima.curate.dedup.MinHasher;

/**
 * How diverse a dataset is: counts per stratum (source, and the meta keys site, group, category
 * where present), mean / minimum / maximum pairwise cosine similarity of the prompts' TF-IDF
 * vectors (all pairs up to {@link #MAX_PAIRS}, else that many seeded random pairs), and the
 * duplicate clusters dedup finds with its default settings. Written as {@code diversity.json} and
 * {@code diversity.md}.
 */
public record DiversityReport(
    int count,
    Map<String, Map<String, Integer>> strata,
    long pairs,
    boolean sampled,
    double meanSimilarity,
    double minSimilarity,
    double maxSimilarity,
    String closestPair,
    int duplicateClusters,
    int duplicates) {

  public static final int MAX_PAIRS = 200_000;
  public static final List<String> STRATA_KEYS = List.of("site", "group", "category", "subreddit", "task");

  public static DiversityReport of(List<Example> examples, long seed, int threads) {
    int n = examples.size();
    Map<String, Map<String, Integer>> strata = new TreeMap<>();
    for (Example e : examples) {
      strata.computeIfAbsent("source", k -> new TreeMap<>()).merge(e.source().isEmpty() ? "(none)" : e.source(), 1, Integer::sum);
      for (String key : STRATA_KEYS) {
        Object v = e.meta().get(key);
        if (v != null) strata.computeIfAbsent(key, k -> new TreeMap<>()).merge(String.valueOf(v), 1, Integer::sum);
      }
    }
    List<String> prompts = new ArrayList<>(n);
    for (Example e : examples) prompts.add(e.prompt());
    TfIdfVectors v = TfIdfVectors.of(prompts);
    long all = (long) n * (n - 1) / 2;
    boolean sampled = all > MAX_PAIRS;
    long pairs = sampled ? MAX_PAIRS : all;
    double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
    int maxA = -1, maxB = -1;
    if (!sampled) {
      for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
          double c = v.get(i).cosine(v.get(j));
          sum += c;
          min = Math.min(min, c);
          if (c > max) {
            max = c;
            maxA = i;
            maxB = j;
          }
        }
    } else {
      SplittableRandom rng = Hashing.rng(seed, "diversity-pairs");
      for (long p = 0; p < pairs; p++) {
        int i = rng.nextInt(n), j = rng.nextInt(n - 1);
        if (j >= i) j++;
        double c = v.get(i).cosine(v.get(j));
        sum += c;
        min = Math.min(min, c);
        if (c > max) {
          max = c;
          maxA = Math.min(i, j);
          maxB = Math.max(i, j);
        }
      }
    }
    int clusters = 0, dups = 0;
    if (n > 1) {
      DedupConfig cfg = DedupConfig.defaults();
      try (MinHasher h = new MinHasher(cfg.numHashes(), cfg.shingle())) {
        var r = Dedup.inMemory(examples, cfg, h, null, threads);
        clusters = r.clustering().clusters();
        for (int i = 0; i < n; i++) if (!r.clustering().kept(i)) dups++;
      }
    }
    String closest = maxA < 0 ? "" : examples.get(maxA).id() + " ~ " + examples.get(maxB).id();
    return new DiversityReport(
        n, strata, pairs, sampled, pairs == 0 ? 0 : sum / pairs, pairs == 0 ? 0 : min, pairs == 0 ? 0 : max, closest, clusters, dups);
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("strata", strata);
    Map<String, Object> sim = new LinkedHashMap<>();
    sim.put("measure", "cosine of prompt TF-IDF vectors (Lucene EnglishAnalyzer terms)");
    sim.put("pairs", pairs);
    sim.put("sampled", sampled);
    sim.put("mean", r(meanSimilarity));
    sim.put("min", r(minSimilarity));
    sim.put("max", r(maxSimilarity));
    sim.put("closest_pair", closestPair);
    m.put("similarity", sim);
    m.put("duplicate_clusters", duplicateClusters);
    m.put("duplicates", duplicates);
    return m;
  }

  private static double r(double x) {
    return Math.round(x * 10000.0) / 10000.0;
  }

  public String toMarkdown(String title) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Diversity: ").append(title).append("\n\n");
    sb.append(String.format(Locale.ROOT, "%d examples. Prompt similarity (cosine of TF-IDF vectors, %s%,d pairs): mean %.4f, min %.4f, max %.4f",
        count, sampled ? "a seeded sample of " : "all ", pairs, meanSimilarity, minSimilarity, maxSimilarity));
    if (!closestPair.isEmpty()) sb.append(" (closest pair: ").append(closestPair).append(")");
    sb.append(".\n\n");
    sb.append(String.format(Locale.ROOT, "Duplicate clusters (exact + MinHash, default dedup settings): %d clusters, %d records would be dropped.%n%n", duplicateClusters, duplicates));
    for (var e : strata.entrySet()) {
      sb.append("## By ").append(e.getKey()).append("\n\n| ").append(e.getKey()).append(" | n | share |\n|---|---:|---:|\n");
      int total = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
      for (var s : e.getValue().entrySet())
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% |%n", s.getKey().replace("|", "\\|"), s.getValue(), 100.0 * s.getValue() / total));
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Writes diversity.json and diversity.md into {@code dir}. */
  public void write(Path dir, String title) throws IOException {
    AtomicFiles.write(dir.resolve("diversity.json"), out -> Json.PRETTY.writeValue(out, toJson()));
    AtomicFiles.writeString(dir.resolve("diversity.md"), toMarkdown(title));
  }
}
