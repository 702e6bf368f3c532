package lima.curate.reddit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lima.core.Verdict;
import org.junit.jupiter.api.Test;

/** Each Reddit filter: its reason and its evidence. */
class RedditFilterTest {
  static RedditThing sub(String author, String selftext, long score, boolean nsfw) {
    return new RedditThing(RedditThing.Kind.SUBMISSION, "abc", "AskReddit", author, "t", selftext, null, null, null, score, 1, nsfw, false, null, null, null);
  }

  static RedditThing comment(String link, String parent, long score) {
    return new RedditThing(RedditThing.Kind.COMMENT, "c1", "WritingPrompts", "u", null, null, "story", link, parent, score, 1, false, false, null, null, null);
  }

  static RedditFilter.Candidate c(RedditThing t, String text, String... tags) {
    return new RedditFilter.Candidate(t, text, List.of(tags));
  }

  @Test
  void moderation() {
    assertEquals(Verdict.drop("deleted"), new ModerationFilter().test(c(sub("[deleted]", "", 5, false), "Why?")));
    assertEquals(Verdict.drop("nsfw"), new ModerationFilter().test(c(sub("u", "", 5, true), "Why?")));
    assertEquals(Verdict.KEEP, new ModerationFilter().test(c(sub("u", "", 5, false), "Why?")));
  }

  @Test
  void tags() {
    assertEquals(Verdict.drop("not_a_prompt", "OT"), new PromptTagFilter().test(c(sub("u", "", 5, false), "x", "OT")));
    assertEquals(Verdict.KEEP, new PromptTagFilter().test(c(sub("u", "", 5, false), "x", "WP")));
  }

  @Test
  void textLength() {
    TextLengthFilter f = new TextLengthFilter(TextLengthFilter.PROMPT, 3, 5);
    assertEquals(Verdict.drop("too_short", 2, 3), f.test(c(sub("u", "", 5, false), "ab")));
    assertEquals(Verdict.drop("too_long", 6, 5), f.test(c(sub("u", "", 5, false), "abcdef")));
    assertEquals(Verdict.KEEP, f.test(c(sub("u", "", 5, false), "abcd")));
    assertThrows(IllegalArgumentException.class, () -> new TextLengthFilter("other", 1, 2));
    assertThrows(IllegalArgumentException.class, () -> new TextLengthFilter(TextLengthFilter.STORY, 5, 2));
  }

  @Test
  void selfContainedQuestion() {
    SelfContainedQuestionFilter f = new SelfContainedQuestionFilter();
    assertEquals(Verdict.drop("has_body", 4, 0), f.test(c(sub("u", "body", 5, false), "Why?")));
    assertEquals(Verdict.drop("not_a_question"), f.test(c(sub("u", "", 5, false), "Tell me")));
    assertEquals(Verdict.drop("depends_on_context", "this picture"), f.test(c(sub("u", "", 5, false), "What is in this picture?")));
    assertEquals(Verdict.KEEP, f.test(c(sub("u", "", 5, false), "What is your favourite book?")));
  }

  @Test
  void topLevelAndScore() {
    assertEquals(Verdict.drop("not_top_level", "t1_x"), new TopLevelCommentFilter().test(c(comment("t3_a", "t1_x", 5), "s")));
    assertEquals(Verdict.KEEP, new TopLevelCommentFilter().test(c(comment("t3_a", "t3_a", 5), "s")));
    assertEquals(Verdict.drop("low_score", 0L, 1L), new CommentScoreFilter(1).test(c(comment("t3_a", "t3_a", 0), "s")));
    assertEquals(Verdict.KEEP, new CommentScoreFilter(1).test(c(comment("t3_a", "t3_a", 1), "s")));
  }
}
