package lima.curate.stackexchange;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteGroupsTest {
  @TempDir Path tmp;

  @Test
  void shippedTableCoversTheSites() {
    SiteGroups g = SiteGroups.defaults();
    assertTrue(g.size() >= 300, "2018 list has 344 sites, got " + g.size());
    assertEquals("stem", g.group("stackoverflow.com"));
    assertEquals("stem", g.group("math.stackexchange.com"));
    assertEquals("stem", g.group("unix.stackexchange.com"));
    assertEquals("other", g.group("coffee.stackexchange.com"));
    assertEquals("other", g.group("english.stackexchange.com"));
    assertEquals("excluded", g.group("coffee.meta.stackexchange.com"));
    assertEquals("excluded", g.group("meta.stackexchange.com"));
    assertEquals("excluded", g.group("ru.stackoverflow.com"));
    assertEquals("excluded", g.group("newsite.meta.stackexchange.com"), "unlisted meta sites are excluded");
    assertEquals("unlisted", g.group("genai.stackexchange.com"));
  }

  @Test
  void fileOverridesAndNormalisesNames() throws Exception {
    Path f = tmp.resolve("groups.csv");
    Files.writeString(f, "site,group\n# comment\nCoffee.StackExchange.com.7z,stem\nmeta.beer.stackexchange.com,other\n");
    SiteGroups g = SiteGroups.load(f);
    assertEquals("stem", g.group("coffee.stackexchange.com"));
    assertEquals("other", g.group("beer.meta.stackexchange.com"));
    assertEquals("unlisted", g.group("unix.stackexchange.com"));
  }

  @Test
  void digestFollowsTheContent() throws Exception {
    Path a = tmp.resolve("a.csv");
    Path b = tmp.resolve("b.csv");
    Files.writeString(a, "site,group\nx.stackexchange.com,stem\n");
    Files.writeString(b, "site,group\nx.stackexchange.com,other\n");
    assertNotEquals(SiteGroups.load(a).digest(), SiteGroups.load(b).digest());
    Files.writeString(b, "site,group,name\nx.stackexchange.com,stem,X\n");
    assertEquals(SiteGroups.load(a).digest(), SiteGroups.load(b).digest());
  }

  @Test
  void badGroupNamesTheLine() throws Exception {
    Path f = tmp.resolve("bad.csv");
    Files.writeString(f, "site,group\na.stackexchange.com,stem\nb.stackexchange.com,science\n");
    UserException e = assertThrows(UserException.class, () -> SiteGroups.load(f));
    assertTrue(e.getMessage().contains(":3:") && e.getMessage().contains("science"), e.getMessage());
    Path noHeader = tmp.resolve("nohead.csv");
    Files.writeString(noHeader, "host,kind\n");
    assertThrows(UserException.class, () -> SiteGroups.load(noHeader));
  }
}
