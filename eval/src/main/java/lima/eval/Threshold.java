package lima.eval;

import java.util.Locale;
import lima.core.UserException;

/**
 * A limit on bad items given as a count ({@code 3}) or a fraction of all items ({@code 0.05} or
 * {@code 5%}). A value with a decimal point or a percent sign is a fraction; a whole number is a count.
 */
public record Threshold(String text, long count, double fraction) {

  public static Threshold parse(String s) {
    String t = s.trim();
    try {
      if (t.endsWith("%")) return fraction(s, Double.parseDouble(t.substring(0, t.length() - 1)) / 100);
      if (t.contains(".")) return fraction(s, Double.parseDouble(t));
      long c = Long.parseLong(t);
      if (c < 0) throw new NumberFormatException();
      return new Threshold(s, c, -1);
    } catch (NumberFormatException e) {
      throw new UserException("--max-unparseable must be a count (3), a fraction (0.05) or a percentage (5%), got " + s);
    }
  }

  private static Threshold fraction(String s, double f) {
    if (!(f >= 0 && f <= 1)) throw new UserException("--max-unparseable fraction must be within 0..1, got " + s);
    return new Threshold(s, -1, f);
  }

  /** True when {@code bad} of {@code total} is more than allowed. */
  public boolean exceeded(long bad, long total) {
    if (count >= 0) return bad > count;
    return total > 0 && (double) bad / total > fraction + 1e-12;
  }

  @Override
  public String toString() {
    return count >= 0 ? Long.toString(count) : String.format(Locale.ROOT, "%s%%", fraction * 100);
  }
}
