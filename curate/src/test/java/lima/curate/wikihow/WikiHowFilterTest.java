package lima.curate.wikihow;

import static org.junit.jupiter.api.Assertions.*;

import lima.core.Verdict;
import org.junit.jupiter.api.Test;

/** Each wikiHow filter: its reason and its evidence. */
class WikiHowFilterTest {
  @Test
  void length() {
    ArticleLengthFilter f = new ArticleLengthFilter(800, 20_000);
    assertEquals(Verdict.drop("no_steps", 0, 1), f.test(new ArticleLengthFilter.Measured(0, 5000)));
    assertEquals(Verdict.drop("too_short", 799L, 800L), f.test(new ArticleLengthFilter.Measured(3, 799)));
    assertEquals(Verdict.drop("too_long", 20_001L, 20_000L), f.test(new ArticleLengthFilter.Measured(3, 20_001)));
    assertEquals(Verdict.KEEP, f.test(new ArticleLengthFilter.Measured(3, 800)));
    assertThrows(IllegalArgumentException.class, () -> new ArticleLengthFilter(10, 5));
  }

  @Test
  void category() throws Exception {
    CategoryFilter f = new CategoryFilter(WikiHowCategories.shipped());
    assertEquals(Verdict.drop("no_category"), f.test(null));
    assertEquals(Verdict.drop("unknown_category", "No Such Category Anywhere"), f.test("No Such Category Anywhere"));
    assertEquals(Verdict.KEEP, f.test(WikiHowCategories.TOP_LEVEL.get(0)));
  }
}
