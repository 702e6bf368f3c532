package lima.curate.select;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import lima.core.Example;
import org.junit.jupiter.api.Test;

/** Each named selection rule of the mix, as a recipe names it. */
class SelectorTest {
  static List<Example> pool(int n, String key, int strata) {
    List<Example> l = new ArrayList<>();
    for (int i = 0; i < n; i++) l.add(Example.of("e" + i, "s", "prompt number " + i + " about topic " + (i % 7), "r", Map.of(key, "s" + (i % strata), "score", i)));
    return l;
  }

  @Test
  void orderTakesThePrefix() {
    List<Example> p = pool(10, "site", 2);
    assertEquals(p.subList(0, 3), Selector.of("order", null, null, null).select(p, 3, 1, "select/x"));
    assertEquals(10, new OrderSelector().select(p, 99, 1, "select/x").size());
  }

  @Test
  void randomIsASeededShuffleIndependentOfPoolOrder() {
    List<Example> p = pool(20, "site", 2);
    List<Example> reversed = new ArrayList<>(p);
    java.util.Collections.reverse(reversed);
    Selector r = Selector.of("random", null, null, null);
    assertEquals(r.select(p, 5, 7, "select/x"), r.select(reversed, 5, 7, "select/x"));
    assertNotEquals(r.select(p, 5, 7, "select/x"), r.select(p, 5, 8, "select/x"));
    assertEquals(5, new HashSet<>(r.select(p, 5, 7, "select/x")).size());
  }

  @Test
  void categoryFirstSpreadsOverStrataAndReadsTheFirstKeyPresent() {
    List<Example> p = new ArrayList<>(pool(40, "top_category", 1)); // 40 in one category
    p.add(Example.of("lone", "s", "p", "r", Map.of("top_category", "small")));
    Selector c = Selector.of("category-first", "top_category|title_cluster", null, null);
    assertInstanceOf(CategoryFirstSelector.class, c);
    int hits = 0;
    for (long seed = 0; seed < 40; seed++) if (c.select(p, 2, seed, "select/w").stream().anyMatch(e -> e.id().equals("lone"))) hits++;
    // uniform over 2 strata: the lone example is among 2 draws far more often than 2/41 of the time
    assertTrue(hits > 20, "hits " + hits);
    assertEquals("c9", Selector.stratum(Example.of("x", "s", "p", "r", Map.of("title_cluster", "c9")), "top_category|title_cluster"));
    assertEquals("(none)", Selector.stratum(Example.of("x", "s", "p", "r", Map.of()), "top_category"));
  }

  @Test
  void temperatureTakesEachSiteBestFirst() {
    List<Example> p = pool(30, "site", 3);
    List<Example> got = Selector.of("temperature", "site", 3.0, null).select(p, 3, 1, "select/se");
    assertEquals(3, got.size());
    for (Example e : got) {
      String site = (String) e.meta().get("site");
      Example firstOfSite = p.stream().filter(x -> x.meta().get("site").equals(site)).findFirst().orElseThrow();
      if (got.stream().filter(x -> x.meta().get("site").equals(site)).count() == 1) assertEquals(firstOfSite, e);
    }
  }

  @Test
  void diversityRulesAndUnknownRules() {
    List<Example> p = pool(12, "site", 2);
    assertEquals(4, new HashSet<>(Selector.of("max-min", null, null, null).select(p, 4, 1, "x")).size());
    assertEquals(4, new HashSet<>(Selector.of("mmr", null, null, 0.5).select(p, 4, 1, "x")).size());
    assertThrows(IllegalArgumentException.class, () -> new MmrSelector(2));
    assertThrows(IllegalArgumentException.class, () -> Selector.of("best", null, null, null));
  }
}
