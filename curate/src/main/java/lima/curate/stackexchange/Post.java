package lima.curate.stackexchange;

import java.util.List;

/**
 * One {@code <row>} of a Stack Exchange {@code Posts.xml}: the attributes the curation uses. Absent
 * attributes are null (strings), 0 (ids and scores), -1 ({@code answerCount}) or false (flags); {@code
 * line} is the row's line in its file.
 * {@code oversized} marks a Body longer than the reader's cap: the body is then dropped (null) so a
 * freak 50 MB post never travels further than the parser.
 */
public record Post(
    long id,
    int postTypeId,
    long parentId,
    long acceptedAnswerId,
    int score,
    int answerCount,
    String title,
    String body,
    List<String> tags,
    boolean closed,
    boolean communityOwned,
    boolean locked,
    String license,
    boolean oversized,
    long line) {

  public static final int QUESTION = 1;
  public static final int ANSWER = 2;

  public Post {
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  public boolean isQuestion() {
    return postTypeId == QUESTION;
  }

  public boolean isAnswer() {
    return postTypeId == ANSWER;
  }

  /**
   * Parses a {@code Tags} attribute in either encoding: {@code <a><b>} (dumps up to 2023) or {@code
   * |a|b|} (2024 and later). Empty or null gives no tags.
   */
  public static List<String> parseTags(String raw) {
    if (raw == null || raw.isBlank()) return List.of();
    String s = raw.strip();
    List<String> out = new java.util.ArrayList<>();
    if (s.indexOf('<') >= 0) {
      int i = 0;
      while (i < s.length()) {
        int open = s.indexOf('<', i);
        if (open < 0) break;
        int close = s.indexOf('>', open + 1);
        if (close < 0) break;
        String t = s.substring(open + 1, close).strip();
        if (!t.isEmpty()) out.add(t);
        i = close + 1;
      }
    } else {
      for (String t : s.split("\\|")) {
        t = t.strip();
        if (!t.isEmpty()) out.add(t);
      }
    }
    return out;
  }
}
