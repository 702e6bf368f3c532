package lima.curate.stackexchange;

import lima.core.LengthBounds;
import lima.core.Verdict;

/**
 * Drops answers whose cleaned Markdown is outside [min, max] characters (the paper: 1,200 to 4,096).
 * An answer whose HTML was too big to keep (see {@link Post#oversized()}) is {@code too_long} without
 * conversion. Reasons: {@code too_short}, {@code too_long}.
 */
public record AnswerLengthFilter(int min, int max) implements PairFilter {
  public static final String NAME = "length";

  public AnswerLengthFilter {
    LengthBounds.require(min, max, "bad answer length bounds: " + min + ".." + max);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(QaPair p) {
    if (p.answer().oversized()) return Verdict.drop("too_long", "oversized HTML", max);
    return LengthBounds.check(p.answerMarkdown().length(), min, max);
  }
}
