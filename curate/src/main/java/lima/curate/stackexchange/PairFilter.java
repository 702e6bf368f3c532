package lima.curate.stackexchange;

import lima.core.Verdict;

/**
 * A named, switchable filter over question/answer pairs that says why it drops one; the pair-level
 * counterpart of {@link lima.core.ExampleFilter} (it also sees the question's flags and scores).
 */
public interface PairFilter {
  /** Stable name used in stats.json, rejects.jsonl and {@code --no-filter}. */
  String name();

  Verdict test(QaPair p);
}
