package lima.curate.stackexchange;

import lima.core.Verdict;

/**
 * Drops answers whose cleaned Markdown is outside [min, max] characters (the paper: 1,200 to 4,096).
 * An answer whose HTML was too big to keep (see {@link Post#oversized()}) is {@code too_long} without
 * conversion. Reasons: {@code too_short}, {@code too_long}.
 */
public record AnswerLengthFilter(int min, int max) implements PairFilter {
  public static final String NAME = "length";

  public AnswerLengthFilter {
    if (min < 0 || max < min) throw new IllegalArgumentException("bad answer length bounds: " + min + ".." + max);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(QaPair p) {
    if (p.answer().oversized()) return Verdict.drop("too_long", "oversized HTML", max);
    int n = p.answerMarkdown().length();
    if (n < min) return Verdict.drop("too_short", n, min);
    if (n > max) return Verdict.drop("too_long", n, max);
    return Verdict.KEEP;
  }
}
