package lima.curate.ni;

import java.util.ArrayList;
import java.util.List;
import lima.core.Verdict;

/**
 * Keeps tasks whose input, output and instruction languages are all English (a missing list passes).
 * Reason: {@code not_english}; evidence: the languages that are not.
 */
public record EnglishFilter() implements NiFilter {
  public static final String NAME = "english";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(NiTask t) {
    List<String> other = new ArrayList<>();
    for (List<String> langs : List.of(t.inputLanguages(), t.outputLanguages(), t.instructionLanguages()))
      for (String l : langs) if (!l.equalsIgnoreCase("English") && !other.contains(l)) other.add(l);
    return other.isEmpty() ? Verdict.KEEP : Verdict.drop("not_english", other, "English");
  }
}
