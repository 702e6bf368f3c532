package lima.curate.dedup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lima.core.Example;

/**
 * The test and dev prompts a training set must not contain: exact (normalised) matches and
 * near-duplicates found with the same MinHash signatures and LSH banding as dedup, at the
 * contamination threshold. Read-only once built, so workers may query it concurrently.
 */
public final class ContaminationIndex {

  /** One test or dev prompt. */
  public record Prompt(String id, String file) {}

  /** The test prompt a training prompt matches, how, and how closely. */
  public record Match(int prompt, double similarity, String method) {}

  private final MinHasher hasher;
  private final double threshold;
  private final Lsh lsh;
  private final List<Prompt> prompts = new ArrayList<>();
  private final Map<Long, Integer> exact = new HashMap<>();
  private final List<int[]> sigs = new ArrayList<>();
  private final List<Map<Long, List<Integer>>> bands = new ArrayList<>();

  public ContaminationIndex(MinHasher hasher, double threshold) {
    this.hasher = hasher;
    this.threshold = threshold;
    this.lsh = Lsh.choose(threshold, hasher.numHashes());
    for (int b = 0; b < lsh.bands(); b++) bands.add(new HashMap<>());
  }

  /** Adds the prompt of a test or dev example. */
  public void add(Example e, String file) {
    int idx = prompts.size();
    prompts.add(new Prompt(e.id(), file));
    String p = e.prompt();
    exact.putIfAbsent(TextNormalizer.exactHash(p), idx);
    int[] sig = hasher.signature(p);
    sigs.add(sig);
    if (sig != null)
      for (int b = 0; b < lsh.bands(); b++) bands.get(b).computeIfAbsent(lsh.bandKey(sig, 0, b), x -> new ArrayList<>()).add(idx);
  }

  public int size() {
    return prompts.size();
  }

  public Prompt prompt(int i) {
    return prompts.get(i);
  }

  public double threshold() {
    return threshold;
  }

  /** The closest test prompt at or above the threshold (lowest index on ties), or null. */
  public Match match(String prompt) {
    Integer ex = exact.get(TextNormalizer.exactHash(prompt));
    if (ex != null) return new Match(ex, 1.0, "exact");
    int[] sig = hasher.signature(prompt);
    if (sig == null) return null;
    int best = -1;
    double bestSim = -1;
    for (int b = 0; b < lsh.bands(); b++) {
      List<Integer> hits = bands.get(b).get(lsh.bandKey(sig, 0, b));
      if (hits == null) continue;
      for (int idx : hits) {
        double s = MinHasher.similarity(sig, 0, sigs.get(idx), 0, sig.length);
        if (s >= threshold && (s > bestSim || (s == bestSim && idx < best))) {
          best = idx;
          bestSim = s;
        }
      }
    }
    return best < 0 ? null : new Match(best, bestSim, "minhash");
  }
}
