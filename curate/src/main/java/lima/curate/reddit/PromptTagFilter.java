package lima.curate.reddit;

import lima.core.Verdict;

/** Drops submissions tagged as something other than a prompt ({@code [OT]}, {@code [MP]}, ...). Reason: {@code not_a_prompt}; evidence: the tag. */
public record PromptTagFilter() implements RedditFilter {
  public static final String NAME = "tags";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(Candidate c) {
    for (String t : c.tags()) if (PromptTags.NOT_A_PROMPT.contains(t)) return Verdict.drop("not_a_prompt", t);
    return Verdict.KEEP;
  }
}
