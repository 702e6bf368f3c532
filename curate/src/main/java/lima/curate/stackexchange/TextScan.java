package lima.curate.stackexchange;

/** Helpers for filters that read prose: code is not prose, so fenced blocks and inline code are cut out. */
final class TextScan {
  private TextScan() {}

  /** The text without fenced code blocks (```...```) and inline code (`...`). */
  static String prose(String markdown) {
    if (markdown.indexOf('`') < 0) return markdown;
    StringBuilder sb = new StringBuilder(markdown.length());
    int i = 0, n = markdown.length();
    while (i < n) {
      if (markdown.startsWith("```", i)) {
        int end = markdown.indexOf("```", i + 3);
        if (end < 0) break; // an unclosed fence runs to the end
        i = end + 3;
        sb.append(' ');
      } else if (markdown.charAt(i) == '`') {
        int end = markdown.indexOf('`', i + 1);
        int nl = markdown.indexOf('\n', i + 1);
        if (end < 0 || (nl >= 0 && nl < end)) {
          sb.append('`');
          i++;
        } else {
          i = end + 1;
          sb.append(' ');
        }
      } else {
        sb.append(markdown.charAt(i++));
      }
    }
    return sb.toString();
  }
}
