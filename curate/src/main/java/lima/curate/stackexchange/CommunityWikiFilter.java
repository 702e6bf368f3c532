package lima.curate.stackexchange;

import lima.core.Verdict;

/**
 * Drops community-wiki posts (a {@code CommunityOwnedDate} on the question or the answer): they are
 * collective lists and polls rather than one author's answer. Reason: {@code community_wiki}.
 */
public record CommunityWikiFilter() implements PairFilter {
  public static final String NAME = "community-wiki";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(QaPair p) {
    return p.question().communityOwned() || p.answer().communityOwned() ? Verdict.drop("community_wiki") : Verdict.KEEP;
  }
}
