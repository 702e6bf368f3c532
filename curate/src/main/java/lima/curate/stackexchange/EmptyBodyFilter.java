package lima.curate.stackexchange;

import lima.core.Verdict;

/**
 * Drops pairs whose question has neither a title nor a body, or whose answer is empty once converted
 * (an answer of only images or links), and questions whose body was too big to keep. Reasons: {@code
 * empty_question}, {@code empty_answer}, {@code question_too_long}.
 */
public record EmptyBodyFilter() implements PairFilter {
  public static final String NAME = "empty";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(QaPair p) {
    if (p.question().oversized()) return Verdict.drop("question_too_long");
    String title = p.question().title();
    if ((title == null || title.isBlank()) && p.questionMarkdown().isBlank()) return Verdict.drop("empty_question");
    if (p.answerMarkdown().isBlank()) return Verdict.drop("empty_answer");
    return Verdict.KEEP;
  }
}
