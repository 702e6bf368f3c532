package lima.curate.dedup;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.internal.hppc.LongIntHashMap;

/**
 * Groups the documents of a {@link DocTable} into duplicate clusters and decides which one of each
 * cluster is kept.
 *
 * <ol>
 *   <li>Exact duplicates: documents with the same normalised-text hash are joined; only the first of
 *       each such group (its representative) takes part in the next step.
 *   <li>Near-duplicates: for each LSH band, a {@code long[]} of (band hash, document) keys is sorted;
 *       documents in a run of equal band hashes are candidate pairs (every pair in runs of up to
 *       {@value #FULL_PAIRS}; in longer runs each member against the first and its predecessor, which
 *       union-find closes transitively) and a pair is joined when its estimated Jaccard similarity is
 *       at least {@link DedupConfig#verifyCut()}.
 *   <li>Clusters are the connected components (union-find); the keep rule picks one member.
 * </ol>
 *
 * The result depends only on the table and the settings, never on thread scheduling.
 */
public final class Clustering {
  static final int FULL_PAIRS = 64;

  /** Why a document was dropped. */
  public enum Reason {
    KEPT,
    EXACT_DUPLICATE,
    NEAR_DUPLICATE,
    CONTAMINATED,
    INVALID;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final DocTable t;
  private final int[] parent;
  private final int[] link;
  private final float[] linkSim;
  private final Reason[] reason;
  private final int[] kept;
  private final int[] cluster;
  private final float[] keptSim;
  private int clusters;
  private long candidatePairs;
  private long verifiedPairs;

  private Clustering(DocTable t) {
    this.t = t;
    int n = t.size();
    parent = new int[n];
    for (int i = 0; i < n; i++) parent[i] = i;
    link = new int[n];
    Arrays.fill(link, -1);
    linkSim = new float[n];
    reason = new Reason[n];
    kept = new int[n];
    cluster = new int[n];
    Arrays.fill(cluster, -1);
    keptSim = new float[n];
  }

  public static Clustering run(DocTable t, DedupConfig cfg) {
    Clustering c = new Clustering(t);
    c.compute(cfg);
    return c;
  }

  private int find(int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  private void union(int a, int b) {
    int ra = find(a), rb = find(b);
    if (ra == rb) return;
    // the smaller index becomes the root: deterministic whatever the order of unions
    if (ra < rb) parent[rb] = ra;
    else parent[ra] = rb;
  }

  private void edge(int a, int b, float sim) {
    union(a, b);
    note(a, b, sim);
    note(b, a, sim);
  }

  private void note(int a, int b, float sim) {
    if (link[a] < 0 || sim > linkSim[a] || (sim == linkSim[a] && b < link[a])) {
      link[a] = b;
      linkSim[a] = sim;
    }
  }

  private boolean active(int i) {
    return t.valid[i] && t.contaminatedBy[i] < 0;
  }

  private void compute(DedupConfig cfg) {
    int n = t.size();
    // 1. exact duplicates
    LongIntHashMap first = new LongIntHashMap(Math.max(16, n));
    boolean[] rep = new boolean[n];
    int reps = 0;
    for (int i = 0; i < n; i++) {
      if (!active(i)) continue;
      int slot = first.indexOf(t.exact[i]);
      if (first.indexExists(slot)) {
        edge(i, first.indexGet(slot), 1f);
      } else {
        first.indexInsert(slot, t.exact[i], i);
        if (t.hasSig[i]) {
          rep[i] = true;
          reps++;
        }
      }
    }
    // 2. near duplicates among representatives
    Lsh lsh = cfg.lsh();
    int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1)));
    long idxMask = (1L << bits) - 1;
    long[] keys = new long[reps];
    double threshold = cfg.verifyCut();
    for (int band = 0; band < lsh.bands(); band++) {
      int m = 0;
      for (int i = 0; i < n; i++) if (rep[i]) keys[m++] = (lsh.bandKey(t.block(i), t.offset(i), band) & ~idxMask) | i;
      Arrays.parallelSort(keys);
      int start = 0;
      while (start < m) {
        long h = keys[start] & ~idxMask;
        int end = start + 1;
        while (end < m && (keys[end] & ~idxMask) == h) end++;
        int g = end - start;
        if (g > 1) {
          if (g <= FULL_PAIRS) {
            for (int x = start; x < end; x++)
              for (int y = x + 1; y < end; y++) verify((int) (keys[x] & idxMask), (int) (keys[y] & idxMask), threshold);
          } else {
            int f = (int) (keys[start] & idxMask);
            for (int x = start + 1; x < end; x++) {
              verify(f, (int) (keys[x] & idxMask), threshold);
              if (x > start + 1) verify((int) (keys[x - 1] & idxMask), (int) (keys[x] & idxMask), threshold);
            }
          }
        }
        start = end;
      }
    }
    // 3. clusters and keep rule
    int[] best = new int[n];
    Arrays.fill(best, -1);
    for (int i = 0; i < n; i++) {
      if (!active(i)) continue;
      int r = find(i);
      int b = best[r];
      if (b < 0 || cfg.keep().better(t.score[i], t.length[i], i, t.score[b], t.length[b], b)) best[r] = i;
    }
    int[] clusterOfRoot = new int[n];
    Arrays.fill(clusterOfRoot, -1);
    for (int i = 0; i < n; i++) {
      if (!t.valid[i]) {
        reason[i] = Reason.INVALID;
        kept[i] = -1;
        continue;
      }
      if (t.contaminatedBy[i] >= 0) {
        reason[i] = Reason.CONTAMINATED;
        kept[i] = -1;
        continue;
      }
      int r = find(i);
      int kp = best[r];
      kept[i] = kp;
      if (r != i || kp != i || link[i] >= 0) {
        // a member of a cluster of two or more
        if (clusterOfRoot[r] < 0) clusterOfRoot[r] = clusters++;
        cluster[i] = clusterOfRoot[r];
      }
      if (kp == i) {
        reason[i] = Reason.KEPT;
        keptSim[i] = 1f;
      } else {
        reason[i] = t.exact[i] == t.exact[kp] ? Reason.EXACT_DUPLICATE : Reason.NEAR_DUPLICATE;
        keptSim[i] = reason[i] == Reason.EXACT_DUPLICATE ? 1f : (float) t.similarity(i, kp);
      }
    }
  }

  private void verify(int a, int b, double threshold) {
    candidatePairs++;
    if (find(a) == find(b)) return;
    verifiedPairs++;
    double s = MinHasher.similarity(t.block(a), t.offset(a), t.block(b), t.offset(b), t.k);
    if (s >= threshold) edge(a, b, (float) s);
  }

  public Reason reason(int i) {
    return reason[i];
  }

  public boolean kept(int i) {
    return reason[i] == Reason.KEPT;
  }

  /** The index of the document kept in i's cluster (i itself when kept), -1 for invalid/contaminated. */
  public int keptOf(int i) {
    return kept[i];
  }

  /** i's cluster number (numbered in input order of first members), -1 for a singleton. */
  public int cluster(int i) {
    return cluster[i];
  }

  public int clusters() {
    return clusters;
  }

  public long candidatePairs() {
    return candidatePairs;
  }

  /** The explanation of a dropped duplicate, as written to rejects.jsonl. */
  public Map<String, Object> explain(int i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cluster", cluster[i]);
    m.put("kept_id", t.ids[kept[i]]);
    m.put("similarity", round(keptSim[i]));
    m.put("method", reason[i] == Reason.EXACT_DUPLICATE ? "exact" : "minhash");
    if (link[i] >= 0 && link[i] != kept[i]) {
      m.put("linked_to", t.ids[link[i]]);
      m.put("link_similarity", round(linkSim[i]));
    }
    return m;
  }

  /** Estimated similarity to the kept member of the cluster. */
  public double similarityToKept(int i) {
    return keptSim[i];
  }

  static double round(double v) {
    return Math.round(v * 10000.0) / 10000.0;
  }
}
