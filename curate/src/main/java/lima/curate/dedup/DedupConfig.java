package lima.curate.dedup;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import lima.core.Example;
import lima.core.UserException;

/**
 * Settings of exact and near-duplicate detection.
 *
 * @param threshold Jaccard similarity (estimated from the signatures) at or above which two texts are
 *     near-duplicates
 * @param field which text is compared
 * @param keep which member of a duplicate cluster survives
 * @param numHashes MinHash signature length (buckets of Lucene's MinHashFilter); memory is 4 bytes
 *     per hash per document
 * @param shingle words per shingle
 * @param bands LSH bands, 0 = chosen from the threshold (see {@link Lsh#choose})
 * @param contaminationThreshold Jaccard threshold of decontamination (prompt against test prompts)
 * @param verifyZ how many standard errors of the MinHash estimate below the threshold a candidate
 *     pair is still accepted (see {@link #verifyCut}); 0 = accept only estimates at or above the threshold
 */
public record DedupConfig(
    double threshold, Field field, KeepRule keep, int numHashes, int shingle, int bands, double contaminationThreshold, double verifyZ) {

  /** One-sided 95%: a pair whose true similarity equals the threshold is accepted 95% of the time. */
  public static final double DEFAULT_VERIFY_Z = 1.645;

  public static final double DEFAULT_THRESHOLD = 0.8;
  public static final double DEFAULT_CONTAMINATION_THRESHOLD = 0.6;

  public DedupConfig {
    if (!(threshold > 0 && threshold <= 1)) throw new UserException("--threshold must be in (0, 1], got " + threshold);
    if (!(contaminationThreshold > 0 && contaminationThreshold <= 1))
      throw new UserException("--contamination-threshold must be in (0, 1], got " + contaminationThreshold);
    if (numHashes < 16 || numHashes > 1024) throw new UserException("--num-hashes must be in 16..1024, got " + numHashes);
    if (shingle < 1 || shingle > 10) throw new UserException("--shingle must be in 1..10, got " + shingle);
    if (bands < 0 || bands > numHashes) throw new UserException("--bands must be in 0.." + numHashes + ", got " + bands);
    if (!(verifyZ >= 0 && verifyZ <= 5)) throw new UserException("--verify-z must be in 0..5, got " + verifyZ);
    if (field == null) field = Field.BOTH;
    if (keep == null) keep = KeepRule.HIGHEST_SCORE;
  }

  public static DedupConfig defaults() {
    return new DedupConfig(DEFAULT_THRESHOLD, Field.BOTH, KeepRule.HIGHEST_SCORE, 128, 3, 0, DEFAULT_CONTAMINATION_THRESHOLD, DEFAULT_VERIFY_Z);
  }

  public DedupConfig withField(Field f) {
    return new DedupConfig(threshold, f, keep, numHashes, shingle, bands, contaminationThreshold, verifyZ);
  }

  public DedupConfig withKeep(KeepRule k) {
    return new DedupConfig(threshold, field, k, numHashes, shingle, bands, contaminationThreshold, verifyZ);
  }

  public DedupConfig withThreshold(double t) {
    return new DedupConfig(t, field, keep, numHashes, shingle, bands, contaminationThreshold, verifyZ);
  }

  /**
   * The estimated similarity a candidate pair needs: {@code t - z * sqrt(t (1 - t) / k)}. The
   * estimate from k hashes has standard error sqrt(J (1 - J) / k) (0.035 at J = 0.8, k = 128), so
   * cutting exactly at t would miss half the pairs that sit exactly at t; the margin buys recall at
   * t for some pairs slightly below it.
   */
  public double verifyCut() {
    return cut(threshold);
  }

  /** The same margin applied to the contamination threshold. */
  public double contaminationCut() {
    return cut(contaminationThreshold);
  }

  private double cut(double t) {
    return Math.max(0.0, t - verifyZ * Math.sqrt(t * (1 - t) / numHashes));
  }

  public DedupConfig withVerifyZ(double z) {
    return new DedupConfig(threshold, field, keep, numHashes, shingle, bands, contaminationThreshold, z);
  }

  /** The banding used for near-duplicates (chosen for the verification cut, where candidates must not be lost). */
  public Lsh lsh() {
    return bands == 0 ? Lsh.choose(verifyCut() + 0.05, numHashes) : new Lsh(bands, numHashes / bands);
  }

  /** For manifests and fingerprints. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("threshold", threshold);
    m.put("field", field.label());
    m.put("keep", keep.label());
    m.put("num_hashes", numHashes);
    m.put("shingle", shingle);
    m.put("lsh", lsh().toString());
    m.put("contamination_threshold", contaminationThreshold);
    m.put("verify_z", verifyZ);
    m.put("verify_cut", Math.round(verifyCut() * 10000) / 10000.0);
    return m;
  }

  /** Which text of an example is compared. */
  public enum Field {
    PROMPT,
    RESPONSE,
    BOTH;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Field parse(String s) {
      for (Field f : values()) if (f.label().equals(s.toLowerCase(Locale.ROOT))) return f;
      throw new UserException("--field must be prompt, response or both, got '" + s + "'");
    }

    /** prompt: the first user turn; response: every assistant turn; both: every turn. */
    public String text(Example e) {
      var turns = e.conversations();
      return switch (this) {
        case PROMPT -> e.prompt();
        case RESPONSE -> {
          StringBuilder sb = new StringBuilder();
          for (int i = 1; i < turns.size(); i += 2) sb.append(turns.get(i)).append('\n');
          yield sb.toString();
        }
        case BOTH -> String.join("\n", turns);
      };
    }
  }

  /** Which member of a duplicate cluster is kept; every rule ends with input order as the tie-break. */
  public enum KeepRule {
    /** Highest score (meta.score, else meta.answer_score, else meta.question_score), then longest, then first. */
    HIGHEST_SCORE,
    /** Longest compared text (in chars), then highest score, then first. */
    LONGEST,
    /** First in input order. */
    FIRST;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static KeepRule parse(String s) {
      for (KeepRule k : values()) if (k.label().equals(s.toLowerCase(Locale.ROOT).replace('_', '-'))) return k;
      throw new UserException("--keep must be highest-score, longest or first, got '" + s + "'");
    }

    /** True when document a (score, length, index) is preferred to b. */
    boolean better(double sa, int la, int ia, double sb, int lb, int ib) {
      int c =
          switch (this) {
            case HIGHEST_SCORE -> {
              int x = Double.compare(sa, sb);
              yield x != 0 ? x : Integer.compare(la, lb);
            }
            case LONGEST -> {
              int x = Integer.compare(la, lb);
              yield x != 0 ? x : Double.compare(sa, sb);
            }
            case FIRST -> 0;
          };
      return c != 0 ? c > 0 : ia < ib;
    }
  }

  /** The score the keep rule uses: meta.score, else meta.answer_score, else meta.question_score; -inf if none. */
  public static double score(Example e) {
    for (String k : new String[] {"score", "answer_score", "question_score"}) {
      Object v = e.meta().get(k);
      if (v instanceof Number n) return n.doubleValue();
      if (v instanceof String s) {
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException ignored) {
          // not a number: try the next key
        }
      }
    }
    return Double.NEGATIVE_INFINITY;
  }
}
