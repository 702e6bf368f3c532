package lima.curate.ni;

import java.util.List;
import java.util.Locale;
import lima.core.Verdict;

/**
 * Keeps tasks whose {@code Categories} hold one of {@code categories} (case-insensitive, punctuation
 * ignored): LIMA's "natural language generation tasks". Reason: {@code category}; evidence: the task's categories.
 */
public record TaskCategoryFilter(List<String> categories) implements NiFilter {
  public static final String NAME = "category";

  public TaskCategoryFilter {
    if (categories == null || categories.isEmpty()) throw new IllegalArgumentException("--categories must name at least one category");
    categories = List.copyOf(categories);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(NiTask t) {
    return match(t) == null ? Verdict.drop("category", t.categories(), categories) : Verdict.KEEP;
  }

  /** The task's first category that is one of {@link #categories}, as the task spells it; null when none. */
  public String match(NiTask t) {
    List<String> wanted = categories.stream().map(TaskCategoryFilter::norm).toList();
    for (String c : t.categories()) if (wanted.contains(norm(c))) return c;
    return null;
  }

  static String norm(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip();
  }
}
