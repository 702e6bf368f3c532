package lima.curate.stackexchange;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.core.Verdict;

/**
 * Drops answers written in the first person: any of {@link #WORDS} as a whole word in the prose (code
 * is ignored). "I" counts only in capitals (so "i.e." and loop variables do not); the other words in
 * any case; straight and curly apostrophes both match. Reason: {@code first_person}.
 */
public record FirstPersonFilter(List<String> words) implements PairFilter {
  public static final String NAME = "first-person";
  public static final List<String> WORDS = List.of("I", "my", "me", "mine", "I'm", "I've", "I'd", "I'll", "myself");

  public FirstPersonFilter {
    words = List.copyOf(words);
    if (words.isEmpty()) throw new IllegalArgumentException("first-person filter needs at least one word");
  }

  public FirstPersonFilter() {
    this(WORDS);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(QaPair p) {
    return Verdict.dropIfFound("first_person", firstPersonWord(p.answerMarkdown()));
  }

  /** The first first-person word in the prose of {@code markdown}, or null. */
  public String firstPersonWord(String markdown) {
    Matcher m = pattern().matcher(TextScan.prose(markdown).replace('\u2019', '\''));
    return m.find() ? m.group() : null;
  }

  private Pattern pattern() {
    StringBuilder alt = new StringBuilder();
    for (String w : words) {
      if (!alt.isEmpty()) alt.append('|');
      // "I" and its contractions are matched case-sensitively; other words in any case.
      if (w.equals("I") || w.startsWith("I'")) alt.append(Pattern.quote(w));
      else alt.append("(?i:").append(Pattern.quote(w.toLowerCase(Locale.ROOT))).append(')');
    }
    return PATTERNS.computeIfAbsent(alt.toString(), a -> Pattern.compile("(?<![\\p{L}\\p{N}_'])(?:" + a + ")(?![\\p{L}\\p{N}_']|\\.\\p{L})"));
  }

  private static final java.util.Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();
}
