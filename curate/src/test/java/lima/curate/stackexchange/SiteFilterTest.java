package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import lima.core.Verdict;
import org.junit.jupiter.api.Test;

class SiteFilterTest {
  private final SiteFilter f = new SiteFilter(SiteGroups.defaults());

  private static QaPair on(String site) {
    return QaPair.converted(site, q(1, 10, "t"), a(2, 1, 20), "body", "answer");
  }

  @Test
  void keepsListedSitesAndSaysWhichSiteItDropped() {
    assertEquals(Verdict.KEEP, f.test(pair("x")));
    assertEquals(Verdict.drop("site_excluded", "meta.coffee.stackexchange.com"), f.test(on("meta.coffee.stackexchange.com")));
    assertEquals(Verdict.drop("site_not_in_table", "nosuchsite.example.com"), f.test(on("nosuchsite.example.com")));
  }

  @Test
  void needsATable() {
    assertThrows(IllegalArgumentException.class, () -> new SiteFilter(null));
  }
}
