package lima.curate.authored;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One hand-written example as read, before validation: where it came from, its turns with their roles
 * as written, and its metadata. {@code problem} holds a reading problem (bad metadata, text outside a
 * turn) found by the parser; the validator reports it first.
 */
public record Draft(
    Path file,
    long line,
    String id,
    String source,
    List<Turn> turns,
    List<String> tags,
    boolean safety,
    Map<String, Object> meta,
    String format,
    Problem problem) {

  /** Who speaks a turn. */
  public enum Role {
    USER,
    ASSISTANT;

    public String label() {
      return this == USER ? "user" : "assistant";
    }
  }

  /** One turn: role, text, and the line it starts on (its heading line for Markdown). */
  public record Turn(Role role, String text, long line) {}

  /** Why a draft is not a valid example: a stable reason code, a sentence, and the line it is about. */
  public record Problem(String reason, String detail, long line) {}

  public Draft {
    turns = List.copyOf(turns);
    tags = List.copyOf(tags);
    meta = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(meta));
  }

  /** "file:line" for messages. */
  public String where() {
    return file + ":" + line;
  }
}
