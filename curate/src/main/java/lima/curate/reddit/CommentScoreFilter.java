package lima.curate.reddit;

import lima.core.Verdict;

/** Drops comments scored below {@code min}. Reason: {@code low_score}; evidence: the score and the bound. */
public record CommentScoreFilter(long min) implements RedditFilter {
  public static final String NAME = "comment_score";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(Candidate c) {
    return c.thing().score() < min ? Verdict.drop("low_score", c.thing().score(), min) : Verdict.KEEP;
  }
}
