package lima.curate.wikihow;

import lima.core.LengthBounds;
import lima.core.Verdict;

/**
 * Drops articles without steps or whose response is outside [min, max] characters. Run twice: on the
 * first pass's rough estimate (bounds {@code min / 2} and none) and on the rebuilt article. Reasons:
 * {@code no_steps}, {@code too_short}, {@code too_long}; evidence: the steps or characters and the bound.
 */
public record ArticleLengthFilter(long min, long max) implements WikiHowFilter<ArticleLengthFilter.Measured> {
  public static final String NAME = "length";

  /** What the filter measures of an article: its steps and its characters. */
  public record Measured(long steps, long chars) {}

  public ArticleLengthFilter {
    LengthBounds.require(min, max, "bad length bounds: --min-chars " + min + " --max-chars " + max);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(Measured m) {
    if (m.steps() == 0) return Verdict.drop("no_steps", 0, 1);
    return LengthBounds.check(m.chars(), min, max);
  }
}
