package lima.curate.reddit;

import lima.core.Verdict;

/**
 * Drops deleted, removed, NSFW, stickied, moderator-distinguished and AutoModerator content (both modes,
 * submissions and comments). Reasons: {@code deleted}, {@code removed}, {@code nsfw}, {@code stickied},
 * {@code distinguished}, {@code automoderator}.
 */
public record ModerationFilter() implements RedditFilter {
  public static final String NAME = "moderation";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(Candidate c) {
    String reason = RedditFilters.moderation(c.thing());
    return reason == null ? Verdict.KEEP : Verdict.drop(reason);
  }
}
