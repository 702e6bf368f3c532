package lima.curate.reddit;

import lima.core.Verdict;

/**
 * Test-prompt mode: keeps title-only submissions whose title is a question that stands alone (no body,
 * a question mark at the end, no reference to a body, picture, the comments or OP). Reasons:
 * {@code has_body}, {@code not_a_question}, {@code depends_on_context} (evidence: the words that refer out).
 */
public record SelfContainedQuestionFilter() implements RedditFilter {
  public static final String NAME = "self_contained";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(Candidate c) {
    String body = c.thing().selftext() == null ? "" : c.thing().selftext().strip();
    if (!body.isEmpty()) return Verdict.drop("has_body", body.length(), 0);
    if (!c.text().endsWith("?")) return Verdict.drop("not_a_question");
    return Verdict.dropIfFound("depends_on_context", RedditFilters.refersOut(c.text()));
  }
}
