package lima.core;

import java.util.Locale;

/**
 * The closed set of stage names in rejects.jsonl (documented in docs/run-layout.md): which step of the
 * protocol dropped a record. A filter's own name goes beside it, in the {@code filter} field.
 */
public enum Stage {
  /** A raw record the reader could not read (malformed, truncated, unreadable file). */
  INPUT,
  /** A named filter dropped it ({@code filter} names which, {@code reason} says why). */
  FILTER,
  /** A pairing step found nothing to pair it with (a question without a fitting answer, a prompt without a story). */
  PAIR,
  /** Exact or near duplicate of a kept record. */
  DEDUP,
  /** Too close to a dev or test prompt. */
  DECONTAMINATE,
  /** Not chosen by a selector (quota reached). */
  SELECT,
  /** Could not be tokenized. */
  TOKENIZE;

  /** The name as written in rejects.jsonl. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The stage of a name, or an error naming the closed set. */
  public static Stage of(String id) {
    for (Stage s : values()) if (s.id().equals(id)) return s;
    throw new IllegalArgumentException("unknown reject stage '" + id + "' (the closed set is in lima.core.Stage and docs/run-layout.md)");
  }
}
