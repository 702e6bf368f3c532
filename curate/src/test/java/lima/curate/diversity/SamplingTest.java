package lima.curate.diversity;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import lima.curate.select.CategoryFirstSelector;
import org.junit.jupiter.api.Test;

class SamplingTest {
  @Test
  void categoryFirstIsUniformOverStrataNotItems() {
    Map<String, List<Integer>> strata = new TreeMap<>();
    List<Integer> big = new ArrayList<>();
    for (int i = 0; i < 1000; i++) big.add(i);
    strata.put("big", big);
    strata.put("small", List.of(-1, -2, -3, -4, -5, -6, -7, -8, -9, -10));
    var picks = CategoryFirstSelector.sample(strata, 10, new SplittableRandom(3));
    long small = picks.stream().filter(p -> p.stratum().equals("small")).count();
    // proportional sampling would give ~0.1 small items; category-first about 5
    assertTrue(small >= 2 && small <= 8, "small stratum got " + small);
    assertEquals(10, new HashSet<>(picks.stream().map(CategoryFirstSelector.Pick::item).toList()).size(), "without replacement");
  }

  @Test
  void exhaustedStrataDropOutAndAllMeansAll() {
    Map<String, List<String>> strata = Map.of("a", List.of("a1"), "b", List.of("b1", "b2", "b3"), "empty", List.of());
    var all = CategoryFirstSelector.sample(strata, -1, new SplittableRandom(1));
    assertEquals(4, all.size());
    assertEquals(all, CategoryFirstSelector.sample(strata, -1, new SplittableRandom(1)), "same seed, same order");
    assertEquals(4, CategoryFirstSelector.sample(strata, 100, new SplittableRandom(2)).size());
  }

  @Test
  void titleClustersGroupSimilarTitles() {
    List<String> titles = List.of(
        "bake chocolate cake", "bake a lemon cake", "bake a carrot cake",
        "change a car tyre", "fix a flat car tyre", "rotate car tyres",
        "train a puppy to sit", "train a puppy to come", "house train a puppy");
    var tc = TitleClusters.of(titles, 3, new SplittableRandom(5), 10);
    assertEquals(3, tc.k());
    for (int g = 0; g < 3; g++) {
      int first = tc.cluster(3 * g);
      assertEquals(first, tc.cluster(3 * g + 1), titles.toString());
      assertEquals(first, tc.cluster(3 * g + 2), titles.toString());
    }
    Map<Integer, Integer> seen = new HashMap<>();
    for (int i = 0; i < titles.size(); i++) seen.merge(tc.cluster(i), 1, Integer::sum);
    assertEquals(3, seen.size());
    assertTrue(tc.name(tc.cluster(0)).contains("cake"), tc.name(tc.cluster(0)));
    var again = TitleClusters.of(titles, 3, new SplittableRandom(5), 10);
    for (int i = 0; i < titles.size(); i++) assertEquals(tc.cluster(i), again.cluster(i));
    assertEquals(2, TitleClusters.of(List.of("a b", "c d"), 19, new SplittableRandom(1), 3).k(), "k is capped at the number of titles");
  }
}
