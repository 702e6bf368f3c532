package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import lima.core.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FirstPersonFilterTest {
  private final FirstPersonFilter f = new FirstPersonFilter();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I think the burr grinder is better.",
        "In my experience it works.",
        "Let me explain.",
        "The choice is mine.",
        "I'm sure it works.",
        "I’ve seen this before.",
        "I'd use a scale.",
        "I'll show the steps.",
        "Try it yourself, as I did myself.",
        "MY advice: grind finer."
      })
  void dropsFirstPersonWords(String text) {
    Verdict.Drop d = assertInstanceOf(Verdict.Drop.class, f.test(pair(text)), text);
    assertEquals("first_person", d.reason(), text);
    assertTrue(text.contains(String.valueOf(d.value()).replace('\'', '\u2019')) || text.contains(String.valueOf(d.value())), "evidence " + d.value() + " in " + text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "The grinder sets the particle size.",
        "Use a scale, i.e. weigh the dose.",
        "Immediate results are mixed; Myanmar grows coffee; memes aside.",
        "Loop with ```for i in range(3): my_list.append(i)``` and done.",
        "Call `me()` to see."
      })
  void keepsThirdPersonTextAndCode(String text) {
    assertEquals(Verdict.KEEP, f.test(pair(text)), text);
  }

  @Test
  void saysWhichWordMatched() {
    assertEquals("my", f.firstPersonWord("This is what my tests show."));
    assertNull(f.firstPersonWord("Nothing personal."));
  }

  @Test
  void customWordList() {
    FirstPersonFilter we = new FirstPersonFilter(java.util.List.of("we", "our"));
    assertEquals(Verdict.drop("first_person", "We"), we.test(pair("We recommend it.")));
    assertEquals(Verdict.KEEP, we.test(pair("I recommend it.")));
  }
}
