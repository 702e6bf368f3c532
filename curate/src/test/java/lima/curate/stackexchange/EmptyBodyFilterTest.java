package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lima.core.Verdict;
import org.junit.jupiter.api.Test;

class EmptyBodyFilterTest {
  private final EmptyBodyFilter f = new EmptyBodyFilter();

  @Test
  void dropsAnswersEmptyAfterConversion() {
    assertEquals(Verdict.drop("empty_answer"), f.test(pair("  \n ")));
    assertEquals(Verdict.KEEP, f.test(pair("text")));
  }

  @Test
  void dropsQuestionsWithNeitherTitleNorBody() {
    Post noText = new Post(1, 1, 0, 0, 10, 1, null, null, List.of(), false, false, false, null, false, 1);
    assertEquals(Verdict.drop("empty_question"), f.test(QaPair.converted("s.stackexchange.com", noText, a(2, 1, 20), null, "answer")));
    Post titleOnly = new Post(1, 1, 0, 0, 10, 1, "A title that asks?", null, List.of(), false, false, false, null, false, 1);
    assertEquals(Verdict.KEEP, f.test(QaPair.converted("s.stackexchange.com", titleOnly, a(2, 1, 20), null, "answer")));
  }

  @Test
  void dropsQuestionsWhoseBodyWasTooBigToKeep() {
    Post huge = new Post(1, 1, 0, 0, 10, 1, "t", null, List.of(), false, false, false, null, true, 1);
    assertEquals(Verdict.drop("question_too_long"), f.test(pair(huge, a(2, 1, 20), "answer")));
  }
}
