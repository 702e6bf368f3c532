package lima.core;

import java.util.List;

/**
 * One named filter of the stage protocol, over the records of type {@code R} that a source's reader
 * produces on the way to an {@link Example} (a question/answer pair, an article, a submission, a task).
 * Each filter is a small record whose fields are its configuration, checked in its constructor, with its
 * own test of the reason and evidence it gives.
 */
public interface ExampleFilter<R> {
  /** Stable name: written as {@code filter} in rejects.jsonl, the stage key in stats.json, and {@code --no-filter}. */
  String name();

  Verdict test(R record);

  /** The first filter that drops a record, with its verdict. */
  record Rejection(String filter, Verdict.Drop drop) {}

  /** Runs {@code filters} in order; the first drop wins. Null when every filter keeps {@code record}. */
  static <R> Rejection firstDrop(List<? extends ExampleFilter<? super R>> filters, R record) {
    for (ExampleFilter<? super R> f : filters) {
      if (f.test(record) instanceof Verdict.Drop d) return new Rejection(f.name(), d);
    }
    return null;
  }
}
