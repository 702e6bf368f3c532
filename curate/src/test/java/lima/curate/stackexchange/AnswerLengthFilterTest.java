package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lima.core.Verdict;
import org.junit.jupiter.api.Test;

class AnswerLengthFilterTest {
  private final AnswerLengthFilter f = new AnswerLengthFilter(1200, 4096);

  @Test
  void measuresTheCleanedTextAgainstBothBounds() {
    assertEquals(Verdict.drop("too_short", 1199, 1200), f.test(pair(words(1199))));
    assertEquals(Verdict.KEEP, f.test(pair(words(1200))));
    assertEquals(Verdict.KEEP, f.test(pair(words(4096))));
    assertEquals(Verdict.drop("too_long", 4097, 4096), f.test(pair(words(4097))));
  }

  @Test
  void oversizedAnswerIsTooLongWithoutConversion() {
    Post big = new Post(2, 2, 1, 0, 20, -1, null, null, List.of(), false, false, false, null, true, 2);
    assertEquals(Verdict.drop("too_long", "oversized HTML", 4096), f.test(new QaPair("s.stackexchange.com", q(1, 1, "t"), big)));
  }

  @Test
  void rejectsBadBounds() {
    var e = assertThrows(IllegalArgumentException.class, () -> new AnswerLengthFilter(10, 5));
    assertTrue(e.getMessage().contains("10..5"), e.getMessage());
  }
}
