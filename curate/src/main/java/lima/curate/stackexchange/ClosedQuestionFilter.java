package lima.curate.stackexchange;

import lima.core.Verdict;

/** Drops closed questions (a {@code ClosedDate} is present). Reason: {@code closed_question}. */
public record ClosedQuestionFilter() implements PairFilter {
  public static final String NAME = "closed";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(QaPair p) {
    return p.question().closed() ? Verdict.drop("closed_question") : Verdict.KEEP;
  }
}
