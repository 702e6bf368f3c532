package lima.eval.judge;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the judge's decision from the last line of its answer, as the prompts ask. Markdown emphasis,
 * quotes and a trailing full stop are ignored; anything else on that line makes the answer
 * unparseable (null), which is counted and kept with the raw text rather than guessed.
 */
public final class VerdictParser {
  private VerdictParser() {}

  /** Which shown position the judge preferred. */
  public enum Pick {
    FIRST,
    SECOND,
    NEITHER
  }

  /** The three absolute labels of the paper's Figure 3. */
  public enum Rating {
    FAIL,
    PASS,
    EXCELLENT;

    public String label() {
      return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }

    public static Rating parse(String s) {
      if (s == null) return null;
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "fail" -> FAIL;
        case "pass" -> PASS;
        case "excellent" -> EXCELLENT;
        default -> null;
      };
    }
  }

  private static final Pattern PAIR =
      Pattern.compile("(?i)^(?:final\\s+)?verdict\\s*[:\\-]?\\s*(response\\s*1|response\\s*2|neither|tie)$");
  private static final Pattern RATING = Pattern.compile("(?i)^(?:final\\s+)?rating\\s*[:\\-]?\\s*(fail|pass|excellent)$");
  private static final Pattern SCORE = Pattern.compile("^(?:(?i)rating|score)?\\s*[:\\-]?\\s*([1-6])(?:\\s*/\\s*6)?$");

  public static Pick pairwise(String answer) {
    Matcher m = PAIR.matcher(lastLine(answer));
    if (!m.matches()) return null;
    String v = m.group(1).toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
    return switch (v) {
      case "response1" -> Pick.FIRST;
      case "response2" -> Pick.SECOND;
      default -> Pick.NEITHER;
    };
  }

  public static Rating absolute(String answer) {
    Matcher m = RATING.matcher(lastLine(answer));
    return m.matches() ? Rating.parse(m.group(1)) : null;
  }

  /** The 1-6 score on the last line (the number alone; "Rating: 5" and "5/6" are accepted), else null. */
  public static Integer likert(String answer) {
    Matcher m = SCORE.matcher(lastLine(answer));
    return m.matches() ? Integer.valueOf(m.group(1)) : null;
  }

  /** The last non-blank line without markdown emphasis, quotes, brackets or a final full stop. */
  static String lastLine(String answer) {
    if (answer == null) return "";
    String[] lines = answer.strip().split("\\R");
    String l = lines.length == 0 ? "" : lines[lines.length - 1];
    l = l.replaceAll("[*_`\"'#\\[\\]]", "").trim();
    while (l.endsWith(".")) l = l.substring(0, l.length() - 1).trim();
    return l;
  }
}
