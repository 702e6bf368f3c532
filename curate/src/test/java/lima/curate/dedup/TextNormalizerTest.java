package lima.curate.dedup;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {
  @Test
  void foldsCaseWidthPunctuationAndSpaces() {
    assertEquals("hello world", TextNormalizer.normalize("  Hello,   World! "));
    assertEquals("hello world", TextNormalizer.normalize("ＨＥＬＬＯ\u00a0world…"));
    assertEquals("strasse fish", TextNormalizer.normalize("STRAßE — ﬁsh"));
    assertEquals("a b", TextNormalizer.normalize("a-b"));
    assertEquals("", TextNormalizer.normalize(" ?! "));
  }

  @Test
  void exactHashIsEqualOnlyForEqualNormalisedText() {
    assertEquals(TextNormalizer.exactHash("How do I cook rice?"), TextNormalizer.exactHash("how do i cook RICE"));
    assertNotEquals(TextNormalizer.exactHash("How do I cook rice?"), TextNormalizer.exactHash("How do I cook beans?"));
    assertNotEquals(TextNormalizer.exactHash("ab c"), TextNormalizer.exactHash("a bc"));
  }
}
