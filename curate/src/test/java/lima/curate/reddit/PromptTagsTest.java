package lima.curate.reddit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTagsTest {
  void check(String title, String text, List<String> tags) {
    var s = PromptTags.strip(title);
    assertEquals(text, s.text(), title);
    assertEquals(tags, s.tags(), title);
  }

  @Test
  void stripsWritingPromptsTags() {
    check("[WP] A dragon opens a bakery.", "A dragon opens a bakery.", List.of("WP"));
    check("[EU][WP] Harry Potter, but in space", "Harry Potter, but in space", List.of("EU", "WP"));
    check("[ WP ] Spaced tag", "Spaced tag", List.of("WP"));
    check("(WP) Round brackets", "Round brackets", List.of("WP"));
    check("[WP/EU] Combined tags", "Combined tags", List.of("WP", "EU"));
    check("WP: Bare tag with a colon", "Bare tag with a colon", List.of("WP"));
    check("[IP] [CW] Two tags", "Two tags", List.of("IP", "CW"));
    check("[TT] [SP] [RF] [PI] [MP] [OT] stacked", "stacked", List.of("TT", "SP", "RF", "PI", "MP", "OT"));
    check("A prompt with a tag at the end [WP]", "A prompt with a tag at the end", List.of("WP"));
    check("[Serious] What would you change?", "What would you change?", List.of("SERIOUS"));
  }

  @Test
  void leavesOrdinaryBracketsAlone() {
    check("A story (part 2)", "A story (part 2)", List.of());
    check("The year is 2050 [and it is raining]", "The year is 2050 [and it is raining]", List.of());
    check("[WP]", "[WP]", List.of());
  }
}
