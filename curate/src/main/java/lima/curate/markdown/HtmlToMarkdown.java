package lima.curate.markdown;

import org.jsoup.Jsoup;

/**
 * Converts Stack Exchange post HTML to Markdown in the style of the released LIMA data.
 *
 * <p>Placeholder body (plain text); the real converter replaces it.
 */
public final class HtmlToMarkdown {
  private HtmlToMarkdown() {}

  /** Converts one post body. */
  public static String convert(String html) {
    return Jsoup.parse(html).wholeText().strip();
  }
}
