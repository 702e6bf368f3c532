package lima.curate.dedup;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import lima.core.Hashing;

/**
 * The normalisation behind exact-duplicate detection: two texts are exact duplicates when their
 * normalised forms are equal.
 *
 * <ol>
 *   <li>Unicode NFKC (compatibility forms folded: full-width letters, ligatures, non-breaking spaces);
 *   <li>case folding ({@code toUpperCase} then {@code toLowerCase} in {@link Locale#ROOT}, so "ß" and
 *       "SS", "ﬁ" and "FI" meet);
 *   <li>every run of whitespace, punctuation (Unicode category P*) and symbols (S*) becomes one space;
 *   <li>leading and trailing spaces removed.
 * </ol>
 *
 * So "Hello,   World!" and "hello world" are the same text; "hello-world" and "hello world" too.
 */
public final class TextNormalizer {
  private TextNormalizer() {}

  public static String normalize(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKC);
    s = s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(s.length());
    boolean gap = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (isSeparator(cp)) {
        gap = true;
      } else {
        if (gap && !sb.isEmpty()) sb.append(' ');
        gap = false;
        sb.appendCodePoint(cp);
      }
    }
    return sb.toString();
  }

  private static boolean isSeparator(int cp) {
    if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) return true;
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL,
          Character.CONTROL,
          Character.FORMAT ->
          true;
      default -> false;
    };
  }

  /** A 64-bit key of the normalised text (the first 8 bytes of its sha256). */
  public static long exactHash(String text) {
    byte[] d = Hashing.sha256().digest(normalize(text).getBytes(StandardCharsets.UTF_8));
    long v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (d[i] & 0xff);
    return v;
  }
}
