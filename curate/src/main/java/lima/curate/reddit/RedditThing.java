package lima.curate.reddit;

/**
 * The fields of one Pushshift submission or comment line that curation uses; every field is optional
 * in the dumps (the set varies by year), so absent strings are null and absent numbers 0.
 */
public record RedditThing(
    Kind kind,
    String id,
    String subreddit,
    String author,
    String title,
    String selftext,
    String body,
    String linkId,
    String parentId,
    long score,
    long createdUtc,
    boolean over18,
    boolean stickied,
    String distinguished,
    String removedByCategory,
    String permalink) {

  /** A submission (RS, has a title) or a comment (RC, has a body). */
  public enum Kind {
    SUBMISSION,
    COMMENT
  }
}
