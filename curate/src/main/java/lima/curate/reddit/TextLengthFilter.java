package lima.curate.reddit;

import lima.core.LengthBounds;
import lima.core.Verdict;

/**
 * Drops a prompt or story whose cleaned text is outside [min, max] characters; {@code name} says which
 * ({@code prompt_length}, {@code story_length}). Reasons: {@code too_short}, {@code too_long}; evidence:
 * the characters and the bound.
 */
public record TextLengthFilter(String name, int min, int max) implements RedditFilter {
  public static final String PROMPT = "prompt_length";
  public static final String STORY = "story_length";

  public TextLengthFilter {
    if (!name.equals(PROMPT) && !name.equals(STORY)) throw new IllegalArgumentException("a length filter is " + PROMPT + " or " + STORY + ", not " + name);
    LengthBounds.require(min, max, "bad " + name + " bounds: " + min + ".." + max);
  }

  @Override
  public Verdict test(Candidate c) {
    return LengthBounds.check(c.text().length(), min, max);
  }
}
