package lima.curate.reddit;

import java.util.regex.Pattern;
import org.jsoup.parser.Parser;

/**
 * The text rules the Reddit filters share: moderation flags (null to keep, else the reason: {@code deleted},
 * {@code removed}, {@code nsfw}, {@code stickied}, {@code distinguished}, {@code automoderator}), Reddit
 * text to Markdown, and titles that refer outside themselves.
 */
public final class RedditFilters {
  private RedditFilters() {}

  /** Deleted/removed/NSFW/stickied/moderator/bot content: the checks both modes share. */
  public static String moderation(RedditThing t) {
    if ("[deleted]".equals(t.author())) return "deleted";
    String text = t.kind() == RedditThing.Kind.SUBMISSION ? t.selftext() : t.body();
    if ("[deleted]".equals(text == null ? null : text.strip())) return "deleted";
    if ("[removed]".equals(text == null ? null : text.strip())) return "removed";
    if (t.removedByCategory() != null) return "removed";
    if (t.over18()) return "nsfw";
    if (t.stickied()) return "stickied";
    if (t.distinguished() != null) return "distinguished";
    if ("AutoModerator".equalsIgnoreCase(t.author())) return "automoderator";
    return null;
  }

  /** Reddit text to plain Markdown: HTML entities decoded, zero-width spaces and CRs dropped, trimmed. */
  public static String text(String s) {
    if (s == null) return "";
    String t = Parser.unescapeEntities(s, false);
    t = t.replace("\r\n", "\n").replace("\u200b", "").replace("&#x200B;", "");
    t = t.replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n");
    return t.strip();
  }

  // a title that refers to something outside itself: the post body, a picture, the comments, OP
  private static final Pattern DEPENDS =
      Pattern.compile(
          "(?i)\\b(?:this|these|the following|above|below)\\s+(?:post|pic|pics|picture|photo|image|video|gif|link|article|thread|story|list|sub|subreddit|text|question)\\b"
              + "|\\bOP\\b|\\b(?:see|read)\\s+(?:text|body|comments|description|below|above)\\b|\\bin the (?:comments|text|body|description)\\b"
              + "|\\b(?:above|below)\\b|\\bedit\\s*:|\\(more in (?:text|comments)\\)|\\blink in\\b|\\bthis\\?$");

  /** The words by which a title refers to something outside itself (a body, a picture, the comments, OP), or null. */
  public static String refersOut(String prompt) {
    var m = DEPENDS.matcher(prompt);
    return m.find() ? m.group() : null;
  }
}
