package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lima.core.Verdict;
import org.junit.jupiter.api.Test;

class ClosedQuestionFilterTest {
  @Test
  void dropsClosedQuestionsWithTheirReason() {
    Post closed = new Post(1, 1, 0, 0, 10, 1, "Which distro is best?", "<p>b</p>", List.of(), true, false, false, null, false, 1);
    assertEquals(Verdict.drop("closed_question"), new ClosedQuestionFilter().test(pair(closed, a(2, 1, 20), words(1500))));
    assertEquals(Verdict.KEEP, new ClosedQuestionFilter().test(pair(words(1500))));
    assertEquals("closed", new ClosedQuestionFilter().name());
  }
}
