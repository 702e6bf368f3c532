package lima.curate.reddit;

import lima.core.ExampleFilter;

/** A Reddit filter: the stage protocol's {@link ExampleFilter} over Pushshift records (submissions, comments). */
public interface RedditFilter extends ExampleFilter<RedditFilter.Candidate> {
  /** What a filter sees: the record and its cleaned text (the prompt of a submission, the story of a comment). */
  record Candidate(RedditThing thing, String text, java.util.List<String> tags) {}
}
