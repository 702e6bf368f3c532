package lima.curate.wikihow;

import java.util.Locale;
import java.util.regex.Pattern;

/** Article titles to LIMA prompts: {@code "How to Fold Polo Shirts"} becomes {@code "How to fold polo shirts?"}. */
public final class Titles {
  private Titles() {}

  // page-title decorations of scraped titles: " - wikiHow", ": 13 Steps (with Pictures)", ": 14+ Easy Methods"
  private static final Pattern SITE_SUFFIX = Pattern.compile("\\s*[-|–]\\s*wikiHow\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern COUNT_SUFFIX =
      Pattern.compile(
          "\\s*[:(]\\s*\\d+\\+?\\s+(?:easy\\s+|simple\\s+|expert\\s+|quick\\s+|best\\s+|proven\\s+|helpful\\s+|effective\\s+)*(?:steps?|ways?|methods?|tips?|ideas?)\\b.*$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern WAYS_PREFIX =
      Pattern.compile("^\\d+\\+?\\s+(?:\\w+\\s+){0,2}?(?:ways|methods|tips|steps)\\s+(?:to|for)\\s+", Pattern.CASE_INSENSITIVE);
  private static final Pattern HOW_TO = Pattern.compile("^how\\s+to\\s+", Pattern.CASE_INSENSITIVE);

  /** The title without site and step-count decorations, e.g. {@code How to Soothe a Sore Ankle}. */
  public static String core(String title) {
    String t = title.strip();
    t = SITE_SUFFIX.matcher(t).replaceAll("");
    t = COUNT_SUFFIX.matcher(t).replaceAll("");
    if (WAYS_PREFIX.matcher(t).find()) t = "How to " + WAYS_PREFIX.matcher(t).replaceFirst("");
    return t.strip();
  }

  /**
   * The prompt: "How to " + the rest of the core title in lower case + "?". The released LIMA prompts
   * are lower-cased the same way, proper nouns included ("How to create a custom list on imdb?").
   */
  public static String prompt(String title) {
    String t = core(title);
    t = HOW_TO.matcher(t).replaceFirst("");
    t = t.replaceAll("[\\s.?!:;,]+$", "").replaceAll("\\s+", " ");
    return "How to " + t.toLowerCase(Locale.ROOT) + "?";
  }
}
