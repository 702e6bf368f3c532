package lima.curate.stackexchange;

import lima.core.Verdict;

/**
 * Drops locked or deleted posts when a dump marks them ({@code LockedDate} or {@code DeletionDate};
 * public dumps leave deleted posts out, some derived dumps keep them). Reason: {@code locked_or_deleted}.
 */
public record LockedFilter() implements PairFilter {
  public static final String NAME = "locked";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(QaPair p) {
    return p.question().locked() || p.answer().locked() ? Verdict.drop("locked_or_deleted") : Verdict.KEEP;
  }
}
