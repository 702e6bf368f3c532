package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lima.core.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtherAnswersFilterTest {
  private final OtherAnswersFilter f = new OtherAnswersFilter();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "As mentioned, grind finer.",
        "This is asked on Stack Exchange a lot.",
        "The other answer is wrong.",
        "The above answer covers it.",
        "See the previous answer.",
        "As others have said, weigh it.",
        "as   MENTIONED\nearlier"
      })
  void dropsReferencesToOtherAnswers(String text) {
    Verdict.Drop d = assertInstanceOf(Verdict.Drop.class, f.test(pair(text)), text);
    assertEquals("refers_to_other_answers", d.reason(), text);
    assertTrue(text.toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ").contains((String) d.value()), "evidence " + d.value() + " in " + text);
  }

  @Test
  void keepsTextWithoutReferencesAndIgnoresCode() {
    assertEquals(Verdict.KEEP, f.test(pair("Grind finer and weigh the dose.")));
    assertEquals(Verdict.KEEP, f.test(pair("Run ```grep 'other answer' log``` to check.")));
  }

  @Test
  void phraseListIsConfigurable() {
    OtherAnswersFilter custom = new OtherAnswersFilter(List.of("  Per The Docs "));
    assertEquals(Verdict.drop("refers_to_other_answers", "per the docs"), custom.test(pair("per the docs, yes")));
    assertEquals(Verdict.KEEP, custom.test(pair("As mentioned, yes")));
    assertEquals("per the docs", custom.matchedPhrase("Per the docs."));
    assertThrows(IllegalArgumentException.class, () -> new OtherAnswersFilter(List.of(" ")));
  }
}
