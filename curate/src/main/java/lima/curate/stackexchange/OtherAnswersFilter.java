package lima.curate.stackexchange;

import java.util.List;
import java.util.Locale;
import lima.core.Verdict;

/**
 * Drops answers that refer to other answers or to the site itself ("as mentioned", "stack exchange",
 * "other answer", ...): out of their thread they point at nothing. Phrases match case-insensitively
 * anywhere in the prose (code is ignored). Reason: {@code refers_to_other_answers}.
 */
public record OtherAnswersFilter(List<String> phrases) implements PairFilter {
  public static final String NAME = "other-answers";

  /** The default phrase list (override with {@code --reference-phrases FILE}). */
  public static final List<String> PHRASES =
      List.of(
          "as mentioned",
          "as already mentioned",
          "as others have said",
          "as others have mentioned",
          "as others have pointed out",
          "as others said",
          "as noted above",
          "as said above",
          "as stated above",
          "mentioned above",
          "see above",
          "stack exchange",
          "stackexchange",
          "stack overflow",
          "stackoverflow",
          "other answer",
          "another answer",
          "above answer",
          "answer above",
          "previous answer",
          "accepted answer",
          "top answer",
          "this answer",
          "my answer",
          "the other answers",
          "answers here",
          "comments above",
          "in the comments");

  public OtherAnswersFilter {
    phrases = phrases.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).distinct().toList();
    if (phrases.isEmpty()) throw new IllegalArgumentException("other-answers filter needs at least one phrase");
  }

  public OtherAnswersFilter() {
    this(PHRASES);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(QaPair p) {
    return Verdict.dropIfFound("refers_to_other_answers", matchedPhrase(p.answerMarkdown()));
  }

  /** The first phrase found in the prose of {@code markdown}, or null. */
  public String matchedPhrase(String markdown) {
    String text = TextScan.prose(markdown).toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    for (String ph : phrases) if (text.contains(ph)) return ph;
    return null;
  }
}
