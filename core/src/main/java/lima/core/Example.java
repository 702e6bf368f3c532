package lima.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One alignment example: alternating user/assistant turns (user first) from one source.
 *
 * <p>Serialised as JSON Lines compatible with the released LIMA files: {@code conversations} and
 * {@code source} first, then our {@code id} and {@code meta}. {@code meta} is kept sorted so output
 * is byte-stable.
 */
@JsonPropertyOrder({"conversations", "source", "id", "meta"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Example(String id, String source, List<String> conversations, Map<String, Object> meta) {

  public Example {
    Objects.requireNonNull(conversations, "conversations");
    conversations = List.copyOf(conversations);
    meta = meta == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(meta));
    source = source == null ? "" : source;
    id = id == null ? "" : id;
  }

  /** A single-turn example. */
  public static Example of(String id, String source, String prompt, String response, Map<String, Object> meta) {
    return new Example(id, source, List.of(prompt, response), meta);
  }

  /** The first user turn. */
  public String prompt() {
    return conversations.isEmpty() ? "" : conversations.get(0);
  }

  /** The first assistant turn, or "" for a prompt-only example (test files). */
  public String response() {
    return conversations.size() < 2 ? "" : conversations.get(1);
  }

  public Example withId(String newId) {
    return new Example(newId, source, conversations, meta);
  }

  public Example withMeta(Map<String, Object> newMeta) {
    return new Example(id, source, conversations, newMeta);
  }
}
