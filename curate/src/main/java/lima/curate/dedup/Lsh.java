package lima.curate.dedup;

/**
 * LSH banding over MinHash signatures: the first {@code bands * rows} values are cut into {@code
 * bands} bands of {@code rows} values; two texts become a candidate pair when any band is equal.
 *
 * <p>For true Jaccard similarity s, P(candidate) = 1 - (1 - s^rows)^bands, an S-curve whose steepest
 * point is near (1/bands)^(1/rows). {@link #choose} picks, for a threshold t and k hashes, the
 * largest {@code rows} (fewest spurious candidates) with {@code bands = k / rows} such that P(candidate)
 * is at least 0.99 at s = t - 0.05; candidates are then verified on the whole signature.
 */
public record Lsh(int bands, int rows) {
  public Lsh {
    if (bands < 1 || rows < 1) throw new IllegalArgumentException("bands and rows must be >= 1, got " + bands + "x" + rows);
  }

  public static Lsh choose(double threshold, int numHashes) {
    if (!(threshold > 0 && threshold <= 1)) throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
    double s = Math.max(0.01, threshold - 0.05);
    Lsh best = new Lsh(numHashes, 1);
    for (int r = 1; r <= numHashes; r++) {
      Lsh c = new Lsh(numHashes / r, r);
      if (c.bands() >= 1 && c.probability(s) >= 0.99) best = c;
    }
    return best;
  }

  /** P(candidate) for two texts of true Jaccard similarity {@code s}. */
  public double probability(double s) {
    return 1 - Math.pow(1 - Math.pow(s, rows), bands);
  }

  /** The hash of band {@code band} of the signature at {@code sig[offset ..]}. */
  public long bandKey(int[] sig, int offset, int band) {
    long h = 0x632BE59BD9B4E019L + band * 0x9E3779B97F4A7C15L;
    int start = offset + band * rows;
    for (int i = 0; i < rows; i++) {
      h ^= sig[start + i] & 0xffffffffL;
      h *= 0xff51afd7ed558ccdL;
      h ^= h >>> 29;
    }
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 32;
    return h;
  }

  @Override
  public String toString() {
    return bands + "x" + rows;
  }
}
