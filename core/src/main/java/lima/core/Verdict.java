package lima.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a filter decided about one record, and why when it dropped it: a reason (a stable snake_case
 * word) and, where the rule has one, the evidence: the value that failed and the bound it failed
 * against ({@code too_short}, 412 chars, bound 1200). Both go into rejects.jsonl.
 */
public sealed interface Verdict {
  record Keep() implements Verdict {}

  /** A drop: {@code value} and {@code bound} are null when the rule has no measure (e.g. {@code deleted}). */
  record Drop(String reason, Object value, Object bound) implements Verdict {
    public Drop {
      if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a drop needs a reason");
    }

    /** The evidence as rejects.jsonl context keys: {@code value} and {@code bound}, when present. */
    public Map<String, Object> evidence() {
      Map<String, Object> m = new LinkedHashMap<>();
      if (value != null) m.put("value", value);
      if (bound != null) m.put("bound", bound);
      return m;
    }
  }

  Verdict KEEP = new Keep();

  /** A drop whose rule has no measured value (a flag, a missing field). */
  static Verdict drop(String reason) {
    return new Drop(reason, null, null);
  }

  /** A drop with its evidence: the value that failed and the bound it failed against. */
  static Verdict drop(String reason, Object value, Object bound) {
    return new Drop(reason, value, bound);
  }

  /** A drop with the value that matched a rule without a numeric bound (a matched word, a tag). */
  static Verdict drop(String reason, Object value) {
    return new Drop(reason, value, null);
  }

  /** A drop with what a search found (a matched word, a phrase) when it found something; keep when {@code found} is null. */
  static Verdict dropIfFound(String reason, Object found) {
    return found != null ? drop(reason, found) : KEEP;
  }

  default boolean kept() {
    return this instanceof Keep;
  }
}
