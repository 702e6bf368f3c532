package lima.curate.stackexchange;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SelfContainedTitleTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "What coffees are the least acidic?",
        "What is the difference between Robusta and Arabica?",
        "How do DOS games like DOOM benefit from a PCI graphics card?",
        "Explain the difference between a process and a thread",
        "Can brain cells move?",
        "Is it safe to drink coffee that was left out overnight?"
      })
  void selfContained(String title) {
    assertNull(SelfContainedTitle.why(title), title);
    assertTrue(SelfContainedTitle.test(title));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Why?|too_short",
        "Help|too_short",
        "Why does this throw NullPointerException?|refers_to_context",
        "How do I fix the following error?|refers_to_context",
        "What is wrong with my code?|refers_to_context",
        "Why does x = y++ + ++y give 3?|holds_code",
        "How do I call foo() twice?|holds_code",
        "Why does main.py fail to import?|holds_code",
        "Best grinder for espresso [closed]|holds_code",
        "Coffee grinder recommendations for a beginner|not_a_question",
        "WHY IS MY COFFEE SO BITTER EVERY DAY?|shouting",
        "Is peat scaled?|too_few_words"
      })
  void notSelfContained(String title, String reason) {
    assertEquals(reason, SelfContainedTitle.why(title), title);
  }

  @org.junit.jupiter.api.Test
  void nullAndOverlong() {
    assertEquals("no_title", SelfContainedTitle.why(null));
    assertEquals("too_long", SelfContainedTitle.why("How " + "very ".repeat(40) + "long?"));
  }
}
