package lima.curate.diversity;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lima.core.Example;
import org.junit.jupiter.api.Test;

class DiverseSelectionTest {
  // three themes, two near-identical titles each
  static final List<String> TITLES =
      List.of(
          "Bake sourdough bread",
          "Bake sourdough bread at home",
          "Repair a flat bicycle tyre",
          "Repair a flat bicycle tyre quickly",
          "Draft a cover letter",
          "Draft a cover letter for a job");

  @Test
  void maxMinPicksOnePerThemeFirst() {
    TfIdfVectors v = TfIdfVectors.of(TITLES);
    int[] pick = DiverseSelection.maxMin(v, 3, 0);
    assertEquals(0, pick[0]);
    // the next two are from the other two themes (disjoint vocabularies: similarity 0), lowest index first
    assertEquals(2, pick[1]);
    assertEquals(4, pick[2]);
    assertEquals(6, DiverseSelection.maxMin(v, 10, 0).length);
  }

  @Test
  void mmrTradesRelevanceForNovelty() {
    TfIdfVectors v = TfIdfVectors.of(TITLES);
    double[] rel = {1.0, 0.95, 0.2, 0.1, 0.3, 0.2};
    // pure relevance: the two bread titles first
    assertArrayEquals(new int[] {0, 1}, DiverseSelection.mmr(v, rel, 2, 1.0));
    // balanced: after the best bread title, the near-copy loses to another theme
    int[] balanced = DiverseSelection.mmr(v, rel, 2, 0.5);
    assertEquals(0, balanced[0]);
    assertEquals(4, balanced[1], "cover letter (0.3 relevance, 0 similarity) beats the bread copy");
    assertThrows(IllegalArgumentException.class, () -> DiverseSelection.mmr(v, rel, 2, 1.5));
  }

  @Test
  void minMaxScale() {
    assertArrayEquals(new double[] {0, 0.5, 1, 0}, DiverseSelection.minMaxScale(new double[] {2, 3, 4, Double.NEGATIVE_INFINITY}), 1e-12);
  }

  @Test
  void reportCountsStrataSimilarityAndDuplicates() {
    List<Example> ex =
        List.of(
            Example.of("a", "stackexchange", TITLES.get(0), "r", java.util.Map.of("site", "cooking.stackexchange.com")),
            Example.of("b", "stackexchange", TITLES.get(0) + "!", "r", java.util.Map.of("site", "cooking.stackexchange.com")),
            Example.of("c", "wikihow", TITLES.get(2), "r", java.util.Map.of("category", "Sports and Fitness")),
            Example.of("d", "wikihow", TITLES.get(4), "r", java.util.Map.of("category", "Work World")));
    DiversityReport r = DiversityReport.of(ex, 1, 1);
    assertEquals(4, r.count());
    assertEquals(2, r.strata().get("source").get("wikihow"));
    assertEquals(2, r.strata().get("site").get("cooking.stackexchange.com"));
    assertEquals(6, r.pairs());
    assertFalse(r.sampled());
    assertEquals(1.0, r.maxSimilarity(), 1e-6);
    assertEquals("a ~ b", r.closestPair());
    assertEquals(0.0, r.minSimilarity(), 1e-9);
    assertEquals(1, r.duplicateClusters());
    assertEquals(1, r.duplicates());
    assertTrue(r.toMarkdown("x").contains("| Work World | 1 | 50.0% |"), r.toMarkdown("x"));
  }
}
