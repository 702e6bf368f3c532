package lima.curate.stackexchange;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import lima.curate.select.TemperatureSelector;
import org.junit.jupiter.api.Test;

/** Site-level temperature sampling as Stack Exchange curation uses it (lima.curate.select.TemperatureSelector). */
class SiteTemperatureSamplingTest {
  private static Map<String, List<String>> sites(int... sizes) {
    Map<String, List<String>> m = new HashMap<>();
    for (int s = 0; s < sizes.length; s++) {
      String name = "site" + s;
      m.put(name, IntStream.range(0, sizes[s]).mapToObj(i -> name + "#" + i).toList());
    }
    return m;
  }

  @Test
  void sharesFollowNToTheOneOverTau() {
    long seed = 20240521L;
    System.out.println("SiteTemperatureSamplingTest seed " + seed);
    var data = sites(8000, 1000, 125);
    // Expected weights 20 : 10 : 5 (cube roots), i.e. 4/7, 2/7, 1/7 of the draws.
    double[] counts = new double[3];
    int reps = 200, n = 70;
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int r = 0; r < reps; r++)
      for (String item : TemperatureSelector.sample(data, n, 3, rnd.split())) counts[item.charAt(4) - '0']++;
    double total = reps * n;
    assertEquals(4.0 / 7, counts[0] / total, 0.02);
    assertEquals(2.0 / 7, counts[1] / total, 0.02);
    assertEquals(1.0 / 7, counts[2] / total, 0.02);
  }

  @Test
  void tauOneIsProportionalAndLargeTauNearlyUniform() {
    var data = sites(900, 100);
    int n = 100, reps = 100;
    double big1 = 0, bigU = 0;
    SplittableRandom rnd = new SplittableRandom(7);
    for (int r = 0; r < reps; r++) {
      big1 += TemperatureSelector.sample(data, n, 1, rnd.split()).stream().filter(x -> x.startsWith("site0")).count();
      bigU += TemperatureSelector.sample(data, n, 1000, rnd.split()).stream().filter(x -> x.startsWith("site0")).count();
    }
    assertEquals(0.9, big1 / (n * reps), 0.02);
    assertEquals(0.5, bigU / (n * reps), 0.03);
  }

  @Test
  void takesHighestRankedFirstWithinASiteAndIsDeterministic() {
    var data = sites(50, 50);
    List<String> a = TemperatureSelector.sample(data, 30, 3, new SplittableRandom(1));
    List<String> b = TemperatureSelector.sample(data, 30, 3, new SplittableRandom(1));
    assertEquals(a, b);
    for (String site : List.of("site0", "site1")) {
      List<Integer> ranks = new ArrayList<>();
      for (String x : a) if (x.startsWith(site)) ranks.add(Integer.parseInt(x.substring(x.indexOf('#') + 1)));
      for (int i = 0; i < ranks.size(); i++) assertEquals(i, ranks.get(i), "site items in rank order");
    }
  }

  @Test
  void exhaustedSitesLeaveTheDrawAndShortfallIsAllowed() {
    var data = sites(3, 2);
    List<String> got = TemperatureSelector.sample(data, 10, 3, new SplittableRandom(3));
    assertEquals(5, got.size());
    assertEquals(5, got.stream().distinct().count());
  }

  @Test
  void rejectsBadTau() {
    assertThrows(IllegalArgumentException.class, () -> TemperatureSelector.sample(sites(1), 1, 0, new SplittableRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> TemperatureSelector.sample(sites(1), 1, Double.NaN, new SplittableRandom(1)));
  }
}
