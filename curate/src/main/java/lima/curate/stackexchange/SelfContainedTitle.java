package lima.curate.stackexchange;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Our reading of the paper's "self-contained in the title": the title alone is a complete question or
 * request that someone could answer without seeing the body. A title is self-contained when all hold:
 *
 * <ol>
 *   <li>length: 15 to 150 characters and at least 4 words;
 *   <li>it asks: it ends with "?" or starts with a question word (how, what, why, is, can, should,
 *       ...) or a request verb (explain, describe, compare, ...);
 *   <li>it does not point at context it lacks: none of the words this, these, following, above,
 *       below, attached, here, screenshot, "my code", "the code", "the error";
 *   <li>it holds no code: none of {@code ` { } ; = < > \ [ ] ::} , "()" or "->", no file name like
 *       {@code x.py}, and no "[closed]"/"[duplicate]" marker;
 *   <li>it is not shouting: fewer than half of its letters are capitals.
 * </ol>
 *
 * Only such titles may be used as the prompt on their own, and such questions rank first within a
 * site. {@link #why(String)} says which rule failed.
 */
public final class SelfContainedTitle {
  private SelfContainedTitle() {}

  public static final int MIN_CHARS = 15;
  public static final int MAX_CHARS = 150;
  public static final int MIN_WORDS = 4;

  static final Set<String> QUESTION_WORDS =
      Set.of(
          "how", "what", "why", "when", "where", "which", "who", "whom", "whose", "is", "are", "am", "was", "were",
          "can", "could", "should", "would", "will", "shall", "do", "does", "did", "has", "have", "had", "may",
          "might", "must", "isn't", "aren't", "can't", "doesn't", "don't", "didn't", "won't", "wouldn't",
          "shouldn't", "explain", "describe", "compare", "list", "define", "tell", "give", "name", "recommend",
          "suggest", "identify", "difference", "differences");

  static final Set<String> CONTEXT_WORDS =
      Set.of("this", "these", "following", "above", "below", "attached", "here", "screenshot", "pictured", "shown");

  private static final Pattern CONTEXT_PHRASES = Pattern.compile("\\b(my code|the code|the error|this error|the script|my script)\\b");
  private static final Pattern CODE = Pattern.compile("[`{};=<>\\\\\\[\\]]|::|->|\\(\\)|\\b\\w+\\.(py|js|java|c|cpp|h|rb|php|sh|exe|dll|json|xml|html|css|ts|go|rs)\\b");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}'’-]+");

  /** True when {@code title} passes every rule. */
  public static boolean test(String title) {
    return why(title) == null;
  }

  /** The first rule the title fails ({@code too_short}, {@code not_a_question}, ...), or null. */
  public static String why(String title) {
    if (title == null) return "no_title";
    String t = title.strip();
    if (t.length() < MIN_CHARS) return "too_short";
    if (t.length() > MAX_CHARS) return "too_long";
    String lower = t.toLowerCase(Locale.ROOT);
    var m = WORD.matcher(lower);
    int words = 0;
    String first = null;
    boolean context = false;
    while (m.find()) {
      String w = m.group().replace('’', '\'');
      if (first == null) first = w;
      words++;
      if (CONTEXT_WORDS.contains(w)) context = true;
    }
    if (words < MIN_WORDS) return "too_few_words";
    if (CODE.matcher(lower).find() || lower.contains("[closed]") || lower.contains("[duplicate]")) return "holds_code";
    if (context || CONTEXT_PHRASES.matcher(lower).find()) return "refers_to_context";
    if (!t.endsWith("?") && !QUESTION_WORDS.contains(first)) return "not_a_question";
    int letters = 0, upper = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (Character.isLetter(c)) {
        letters++;
        if (Character.isUpperCase(c)) upper++;
      }
    }
    if (letters > 0 && upper * 2 >= letters) return "shouting";
    return null;
  }
}
