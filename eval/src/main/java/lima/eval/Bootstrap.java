package lima.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded percentile bootstrap of a mean: resample the n items with replacement {@code replicates}
 * times, take the mean of each resample, and report the nearest-rank 2.5th and 97.5th percentiles of
 * those means (ranks {@code ceil(0.025 B)} and {@code ceil(0.975 B)}, 1-based).
 *
 * <p>Every call starts a fresh generator from the seed, so two statistics of the same items (the win
 * share and the loss share, say) are computed on the same resamples, and results depend only on the
 * seed and the data.
 */
public record Bootstrap(long seed, int replicates, double level) {
  public static final int DEFAULT_REPLICATES = 10_000;

  public Bootstrap {
    if (replicates < 1) throw new IllegalArgumentException("bootstrap replicates must be >= 1, got " + replicates);
    if (!(level > 0 && level < 1)) throw new IllegalArgumentException("confidence level must be in (0,1), got " + level);
  }

  public Bootstrap(long seed, int replicates) {
    this(seed, replicates, 0.95);
  }

  /** A point estimate with its interval. */
  public record Interval(double estimate, double lo, double hi) {}

  /**
   * The mean of {@code values} with its bootstrap interval; null for no values (reports say "no
   * judgments" and write null, never NaN).
   */
  public Interval mean(double[] values) {
    int n = values.length;
    if (n == 0) return null;
    double sum = 0;
    for (double v : values) sum += v;
    double[] means = replicateMeans(values);
    Arrays.sort(means);
    return new Interval(sum / n, means[rank((1 - level) / 2) - 1], means[rank(1 - (1 - level) / 2) - 1]);
  }

  /** The unsorted means of each resample, in generation order (exposed for tests). */
  public double[] replicateMeans(double[] values) {
    int n = values.length;
    SplittableRandom rng = new SplittableRandom(seed);
    double[] means = new double[replicates];
    for (int b = 0; b < replicates; b++) {
      double s = 0;
      for (int i = 0; i < n; i++) s += values[rng.nextInt(n)];
      means[b] = s / n;
    }
    return means;
  }

  private int rank(double q) {
    return Math.max(1, Math.min(replicates, (int) Math.ceil(q * replicates - 1e-9)));
  }

  /** 1.0 where {@code flags[i]}, else 0.0. */
  public static double[] indicator(boolean[] flags) {
    double[] d = new double[flags.length];
    for (int i = 0; i < flags.length; i++) d[i] = flags[i] ? 1 : 0;
    return d;
  }
}
