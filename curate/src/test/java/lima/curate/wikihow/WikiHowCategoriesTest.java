package lima.curate.wikihow;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import lima.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WikiHowCategoriesTest {
  @TempDir Path tmp;

  @Test
  void mapsTopLevelNamesPathsAndSubCategories() {
    var c = WikiHowCategories.shipped();
    assertEquals(19, WikiHowCategories.TOP_LEVEL.size());
    for (String t : WikiHowCategories.TOP_LEVEL) assertEquals(Optional.of(t), c.topLevel(t));
    assertEquals(Optional.of("Cars & Other Vehicles"), c.topLevel("Category:Cars-%26-Other-Vehicles".replace('-', ' ')));
    assertEquals(Optional.of("Home and Garden"), c.topLevel("Home and Garden > Cleaning > Laundry"));
    assertEquals(Optional.of("Pets and Animals"), c.topLevel("Dogs"));
    assertEquals(Optional.of("Finance and Business"), c.topLevel("Budgeting"));
    assertEquals(Optional.of("Sports and Fitness"), c.topLevel("Unknown Thing / Outdoor Recreation"));
    assertEquals(Optional.empty(), c.topLevel("Quantum Basket Weaving"));
    assertEquals(Optional.empty(), c.topLevel(null));
  }

  @Test
  void userMapExtendsTheTableAndIsValidated() throws Exception {
    Path ok = Files.writeString(tmp.resolve("m.tsv"), "# mine\nQuantum Basket Weaving\tHobbies and Crafts\n");
    assertEquals(Optional.of("Hobbies and Crafts"), WikiHowCategories.load(ok).topLevel("Quantum Basket Weaving"));
    Path bad = Files.writeString(tmp.resolve("b.tsv"), "Foo\tNot A Category\n");
    var e = assertThrows(BadInputException.class, () -> WikiHowCategories.load(bad));
    assertTrue(e.getMessage().contains("b.tsv:1"), e.getMessage());
  }
}
