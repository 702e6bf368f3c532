package lima.curate.reddit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Post-type tags of r/WritingPrompts ({@code [WP]}, {@code [EU]}, {@code [IP]}, {@code [CW]}, {@code [TT]},
 * {@code [SP]}, {@code [OT]}, {@code [RF]}, {@code [PI]}, {@code [MP]}, {@code [PM]}, {@code [FF]}, {@code
 * [MT]}, ...) and of r/AskReddit ({@code [Serious]}, {@code [NSFW]}): stripped from the front and back of
 * a title, also written {@code (WP)}, {@code [ WP ]}, {@code WP:} or combined ({@code [WP/EU]}).
 */
public final class PromptTags {
  /** Tags that mark a post as something other than a prompt (off topic, meta, moderator posts). */
  public static final Set<String> NOT_A_PROMPT = Set.of("OT", "META", "MOD", "ANNOUNCEMENT");

  private static final Pattern LEADING = Pattern.compile("^\\s*[\\[({]\\s*([A-Za-z]{1,12}(?:\\s*[/,&+|]\\s*[A-Za-z]{1,12})*)\\s*[\\])}]\\s*[:\\-–]?\\s*");
  private static final Pattern TRAILING = Pattern.compile("\\s*[\\[({]\\s*([A-Za-z]{1,12}(?:\\s*[/,&+|]\\s*[A-Za-z]{1,12})*)\\s*[\\])}]\\s*$");
  private static final Pattern BARE = Pattern.compile("^\\s*(WP|EU|IP|CW|TT|SP|OT|RF|PI|MP|PM|FF|MT|NSFW)\\s*[:\\-–]\\s*");
  private static final Set<String> KNOWN =
      Set.of("WP", "EU", "IP", "CW", "TT", "SP", "OT", "RF", "PI", "MP", "PM", "FF", "MT", "NSFW", "SERIOUS", "META", "MOD", "ANNOUNCEMENT", "IPMP", "WPEU");

  private PromptTags() {}

  /** A title with its tags taken off. */
  public record Stripped(String text, List<String> tags) {}

  /**
   * Strips leading tags (any short bracketed word group) and trailing tags (known names only, so a
   * title ending in "(part 2)" keeps it).
   */
  public static Stripped strip(String title) {
    String t = title;
    List<String> tags = new ArrayList<>();
    boolean again = true;
    while (again) {
      again = false;
      Matcher m = LEADING.matcher(t);
      if (m.find() && m.end() < t.length()) {
        addTags(tags, m.group(1));
        t = t.substring(m.end());
        again = true;
        continue;
      }
      Matcher b = BARE.matcher(t);
      if (b.find() && b.end() < t.length()) {
        addTags(tags, b.group(1));
        t = t.substring(b.end());
        again = true;
      }
    }
    Matcher tr = TRAILING.matcher(t);
    while (tr.find() && allKnown(tr.group(1)) && tr.start() > 0) {
      addTags(tags, tr.group(1));
      t = t.substring(0, tr.start());
      tr = TRAILING.matcher(t);
    }
    return new Stripped(t.strip(), tags);
  }

  private static boolean allKnown(String group) {
    for (String s : group.split("\\s*[/,&+|]\\s*")) if (!KNOWN.contains(s.toUpperCase(Locale.ROOT))) return false;
    return true;
  }

  private static void addTags(List<String> tags, String group) {
    for (String s : group.split("\\s*[/,&+|]\\s*")) if (!s.isBlank()) tags.add(s.toUpperCase(Locale.ROOT));
  }
}
