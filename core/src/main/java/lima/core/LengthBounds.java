package lima.core;

/**
 * The length rule of the curation filters: a text (an answer, a prompt, a story, an article) is kept when
 * its length is in [min, max]; below is {@code too_short}, above is {@code too_long}, with the length and
 * the bound it failed against as the evidence.
 */
public final class LengthBounds {
  private LengthBounds() {}

  /** Refuses bounds other than {@code 0 <= min <= max}, with {@code message} as the error. */
  public static void require(long min, long max, String message) {
    if (min < 0 || max < min) throw new IllegalArgumentException(message);
  }

  /**
   * {@code too_short} (n, min) when {@code n < min}, {@code too_long} (n, max) when {@code n > max}, else
   * keep. The evidence keeps the type it is given in (an {@code int} length stays an Integer).
   */
  public static <N extends Number & Comparable<N>> Verdict check(N n, N min, N max) {
    if (n.compareTo(min) < 0) return Verdict.drop("too_short", n, min);
    if (n.compareTo(max) > 0) return Verdict.drop("too_long", n, max);
    return Verdict.KEEP;
  }
}
