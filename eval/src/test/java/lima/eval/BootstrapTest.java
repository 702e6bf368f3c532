package lima.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BootstrapTest {

  /** P(X <= k) for X ~ Binomial(n, p), computed directly (independent of the code under test). */
  static double binomialCdf(int k, int n, double p) {
    double sum = 0;
    for (int i = 0; i <= k; i++) {
      double c = 1;
      for (int j = 0; j < i; j++) c = c * (n - j) / (j + 1);
      sum += c * Math.pow(p, i) * Math.pow(1 - p, n - i);
    }
    return sum;
  }

  /** The smallest k/n with P(X <= k) >= q: the exact q-quantile of the resampled share. */
  static double binomialQuantileShare(double q, int n, double p) {
    for (int k = 0; k <= n; k++) if (binomialCdf(k, n, p) >= q) return (double) k / n;
    return 1;
  }

  @Test
  void intervalOfAShareMatchesTheExactBinomialQuantiles() {
    // 20 items, 10 wins: a resample's win count is Binomial(20, 1/2), so the interval's ends are
    // that distribution's 2.5% and 97.5% quantiles divided by 20 (0.30 and 0.70), up to resampling
    // noise far smaller than the gap to the neighbouring values at this many replicates.
    boolean[] wins = new boolean[20];
    for (int i = 0; i < 10; i++) wins[i] = true;
    var iv = new Bootstrap(12345, 20_000).mean(Bootstrap.indicator(wins));
    assertEquals(0.5, iv.estimate(), 1e-12);
    assertEquals(binomialQuantileShare(0.025, 20, 0.5), iv.lo(), 1e-12);
    assertEquals(binomialQuantileShare(0.975, 20, 0.5), iv.hi(), 1e-12);
    assertEquals(0.30, iv.lo(), 1e-12);
    assertEquals(0.70, iv.hi(), 1e-12);
  }

  @Test
  void skewedShareToo() {
    // 40 items, 10 wins: Binomial(40, 1/4).
    boolean[] wins = new boolean[40];
    for (int i = 0; i < 10; i++) wins[i * 4] = true;
    var iv = new Bootstrap(7, 40_000).mean(Bootstrap.indicator(wins));
    assertEquals(0.25, iv.estimate(), 1e-12);
    assertEquals(binomialQuantileShare(0.025, 40, 0.25), iv.lo(), 1e-12);
    assertEquals(binomialQuantileShare(0.975, 40, 0.25), iv.hi(), 1e-12);
  }

  @Test
  void constantDataHasADegenerateInterval() {
    var iv = new Bootstrap(1, 500).mean(new double[] {1, 1, 1, 1});
    assertEquals(new Bootstrap.Interval(1, 1, 1), iv);
    assertNull(new Bootstrap(1, 10).mean(new double[0]), "no values, no interval (reports say \"no judgments\")");
  }

  @Test
  void seededAndRepeatableAndSecondImplementationAgrees() {
    double[] x = {1, 0, 0.5, 1, 1, 0, 0.5, 1};
    Bootstrap b = new Bootstrap(99, 999);
    assertEquals(b.mean(x), b.mean(x));
    // A second, plain implementation of the nearest-rank percentile over the same replicate means.
    double[] means = b.replicateMeans(x).clone();
    java.util.Arrays.sort(means);
    int lo = (int) Math.ceil(0.025 * 999), hi = (int) Math.ceil(0.975 * 999);
    assertEquals(means[lo - 1], b.mean(x).lo());
    assertEquals(means[hi - 1], b.mean(x).hi());
    // and each replicate mean is a mean of 8 values drawn from x: a multiple of 1/16 within [0, 1]
    for (double m : means) assertEquals(0, (m * 16) % 1, 1e-9);
    assertNotEquals(java.util.Arrays.toString(b.replicateMeans(x)), java.util.Arrays.toString(new Bootstrap(100, 999).replicateMeans(x)));
  }

  @Test
  void badConfigurationIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Bootstrap(1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Bootstrap(1, 10, 1.0));
  }
}
