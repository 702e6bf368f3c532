package lima.curate.select;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TemperatureSamplerTest {
  static Map<String, List<String>> strata(int... sizes) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int s = 0; s < sizes.length; s++) {
      List<String> l = new ArrayList<>();
      for (int i = 0; i < sizes[s]; i++) l.add("s" + s + "-" + i);
      m.put("s" + s, l);
    }
    return m;
  }

  @Test
  void probabilitiesFollowSizeToTheOneOverTau() {
    Map<String, Double> p = TemperatureSelector.probabilities(Map.of("a", 1000, "b", 8, "c", 1), 3);
    double wa = 10, wb = 2, wc = 1;
    assertEquals(wa / (wa + wb + wc), p.get("a"), 1e-12);
    assertEquals(wb / (wa + wb + wc), p.get("b"), 1e-12);
    Map<String, Double> u = TemperatureSelector.probabilities(Map.of("a", 1000, "b", 8), TemperatureSelector.UNIFORM);
    assertEquals(0.5, u.get("a"), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> TemperatureSelector.probabilities(Map.of("a", 1), 0));
  }

  @Test
  void drawFrequenciesMatchWithinFiveStandardErrors() {
    long seed = 20240601;
    System.out.println("TemperatureSamplerTest seed " + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    // sizes 1000, 125, 8 -> weights 10, 5, 2 at tau = 3; draw 50 (none runs out) many times
    Map<String, List<String>> s = strata(1000, 125, 8);
    int trials = 400, k = 6;
    int[] counts = new int[3];
    for (int t = 0; t < trials; t++)
      for (String x : TemperatureSelector.sample(s, k, 3, rng)) counts[x.charAt(1) - '0']++;
    int n = trials * k;
    double[] p = {10 / 17.0, 5 / 17.0, 2 / 17.0};
    for (int i = 0; i < 3; i++) {
      double se = Math.sqrt(p[i] * (1 - p[i]) / n);
      // the stratum of size 8 is exhausted in a few trials only with k = 6 < 8: proportions hold
      assertEquals(p[i], (double) counts[i] / n, 5 * se, "stratum " + i + " counts " + java.util.Arrays.toString(counts));
    }
  }

  @Test
  void exhaustsStrataAndIsSeeded() {
    Map<String, List<String>> s = strata(3, 1, 2);
    List<String> all = TemperatureSelector.sample(s, 100, 3, new SplittableRandom(1));
    assertEquals(6, all.size());
    assertEquals(6, all.stream().distinct().count());
    assertEquals(TemperatureSelector.sample(s, 4, 3, new SplittableRandom(9)), TemperatureSelector.sample(s, 4, 3, new SplittableRandom(9)));
    // within a stratum, items come in the given order
    List<String> fromS0 = all.stream().filter(x -> x.startsWith("s0")).toList();
    assertEquals(List.of("s0-0", "s0-1", "s0-2"), fromS0);
  }

  @Test
  void categoryFirstIsUniformOverCategories() {
    SplittableRandom rng = new SplittableRandom(77);
    Map<String, List<String>> s = strata(500, 50, 5);
    int[] counts = new int[3];
    int trials = 600;
    for (int t = 0; t < trials; t++) counts[TemperatureSelector.sample(s, 1, TemperatureSelector.UNIFORM, rng).get(0).charAt(1) - '0']++;
    double se = Math.sqrt((1 / 3.0) * (2 / 3.0) / trials);
    for (int c : counts) assertEquals(1 / 3.0, c / (double) trials, 5 * se, java.util.Arrays.toString(counts));
  }
}
