package lima.curate.ni;

import java.util.Set;
import lima.core.Verdict;

/** Drops tasks named in {@code --exclude-tasks} (e.g. the benchmark's test tasks). Reason: {@code excluded}. */
public record ExcludedTaskFilter(Set<String> names) implements NiFilter {
  public static final String NAME = "excluded";

  public ExcludedTaskFilter {
    names = Set.copyOf(names);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(NiTask t) {
    return names.contains(t.name()) ? Verdict.drop("excluded", t.name()) : Verdict.KEEP;
  }
}
