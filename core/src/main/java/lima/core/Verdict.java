package lima.core;

/** What a filter decided about one record, and why when it dropped it. */
public sealed interface Verdict {
  record Keep() implements Verdict {}

  record Drop(String reason) implements Verdict {}

  Verdict KEEP = new Keep();

  static Verdict drop(String reason) {
    return new Drop(reason);
  }

  default boolean kept() {
    return this instanceof Keep;
  }
}
