package lima.curate.reddit;

import lima.core.Verdict;

/** Keeps comments that answer the submission itself ({@code parent_id == link_id}). Reason: {@code not_top_level}. */
public record TopLevelCommentFilter() implements RedditFilter {
  public static final String NAME = "top_level";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(Candidate c) {
    RedditThing t = c.thing();
    return t.linkId() != null && t.linkId().equals(t.parentId()) ? Verdict.KEEP : Verdict.drop("not_top_level", t.parentId());
  }
}
