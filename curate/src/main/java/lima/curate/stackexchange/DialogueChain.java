package lima.curate.stackexchange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import lima.core.Example;

/**
 * One multi-turn chain (paper section 6): a LIMA pair (question, top answer) continued by the comment
 * thread under the answer. The asker's comments are user turns, the answerer's comments assistant turns;
 * comments by anyone else are not part of the dialogue. Rules:
 *
 * <ul>
 *   <li>comments are taken in thread order (CreationDate, then Id), each at most once;
 *   <li>consecutive comments of one speaker form one turn (joined by a blank line); answerer comments
 *       before the asker's first comment have nothing to answer and are left out;
 *   <li>the filters that apply to an answer apply to every assistant turn: one that refers to other
 *       answers ({@link OtherAnswersFilter}) ends the chain before the user turn it answers (the length
 *       and first-person filters apply to the answer only: comments are short and conversational);
 *   <li>a leading {@code @name} (Stack Exchange's reply notation) is removed; a trailing user turn
 *       without an answer is dropped; a chain needs at least one user/assistant exchange in comments.
 * </ul>
 *
 * Each turn is attributed in {@code meta.turns}: role, what it came from (question, answer, comments),
 * the post or comment ids, the author's user id and the licence.
 */
public final class DialogueChain {
  private DialogueChain() {}

  /** A row of Comments.xml (Text is plain text). */
  public record Comment(long id, long postId, long userId, String userName, String text, String created, String license) {}

  /** A chain, or the reason there is none. */
  public record Built(Example example, String reason, List<Long> commentIds) {}

  private static final Pattern MENTION = Pattern.compile("^(@[\\p{L}\\p{N}._-]+[,:]?\\s*)+");

  static final Comparator<Comment> THREAD_ORDER = Comparator.comparing(Comment::created, Comparator.nullsFirst(Comparator.naturalOrder())).thenComparingLong(Comment::id);

  public static Built build(Example pair, long askerId, long answererId, List<Comment> comments, OtherAnswersFilter other) {
    if (askerId <= 0 || answererId <= 0) return new Built(null, "unknown_author", List.of());
    if (askerId == answererId) return new Built(null, "self_answered", List.of());
    List<Comment> thread = new ArrayList<>(comments);
    thread.sort(THREAD_ORDER);
    List<String> turns = new ArrayList<>(List.of(pair.conversations().get(0), pair.conversations().get(1)));
    List<Map<String, Object>> who = new ArrayList<>();
    who.add(attribution("user", "question", List.of(((Number) pair.meta().getOrDefault("question_id", 0L)).longValue()), askerId, null));
    who.add(attribution("assistant", "answer", List.of(((Number) pair.meta().getOrDefault("answer_id", 0L)).longValue()), answererId, null));
    List<List<Comment>> groups = new ArrayList<>();
    List<Boolean> userGroup = new ArrayList<>();
    for (Comment c : thread) {
      boolean user = c.userId() == askerId;
      if (!user && c.userId() != answererId) continue;
      if (clean(c.text()).isEmpty()) continue;
      if (groups.isEmpty() && !user) continue; // nothing asked yet
      if (!groups.isEmpty() && userGroup.get(userGroup.size() - 1) == user) groups.get(groups.size() - 1).add(c);
      else {
        groups.add(new ArrayList<>(List.of(c)));
        userGroup.add(user);
      }
    }
    List<Long> used = new ArrayList<>();
    for (int g = 0; g + 1 < groups.size(); g += 2) {
      // groups alternate user, assistant, user, ...: take them in pairs
      String answer = join(groups.get(g + 1));
      if (other.matchedPhrase(answer) != null) break;
      turns.add(join(groups.get(g)));
      who.add(commentAttribution("user", groups.get(g), askerId));
      turns.add(answer);
      who.add(commentAttribution("assistant", groups.get(g + 1), answererId));
      for (Comment c : groups.get(g)) used.add(c.id());
      for (Comment c : groups.get(g + 1)) used.add(c.id());
    }
    if (turns.size() < 4) return new Built(null, "no_comment_exchange", List.of());
    Map<String, Object> meta = new LinkedHashMap<>(pair.meta());
    meta.put("dialogue", true);
    meta.put("turns", who);
    meta.put("comment_ids", used);
    return new Built(new Example(pair.id(), pair.source(), turns, meta), null, used);
  }

  static String clean(String text) {
    if (text == null) return "";
    return MENTION.matcher(text.strip()).replaceFirst("").strip();
  }

  private static String join(List<Comment> cs) {
    List<String> parts = new ArrayList<>();
    for (Comment c : cs) parts.add(clean(c.text()));
    return String.join("\n\n", parts);
  }

  private static Map<String, Object> commentAttribution(String role, List<Comment> cs, long userId) {
    List<Long> ids = new ArrayList<>();
    for (Comment c : cs) ids.add(c.id());
    return attribution(role, "comments", ids, userId, cs.get(0).license());
  }

  private static Map<String, Object> attribution(String role, String from, List<Long> ids, long userId, String license) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    m.put("from", from);
    m.put(from.equals("comments") ? "comment_ids" : "post_id", from.equals("comments") ? ids : ids.get(0));
    m.put("user_id", userId);
    if (license != null) m.put("license", license);
    return m;
  }
}
