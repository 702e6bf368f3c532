package lima.core;

/** A named, switchable filter over examples that says why it drops one. */
public interface ExampleFilter {
  /** Stable name used in stats.json, rejects.jsonl and on the command line. */
  String name();

  Verdict test(Example e);
}
