package lima.curate.ni;

import lima.core.Verdict;

/** Drops tasks without a definition (the prompt's first part) or without instances. Reasons: {@code no_definition}, {@code no_instances}. */
public record DefinitionFilter() implements NiFilter {
  public static final String NAME = "definition";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(NiTask t) {
    if (t.definition() == null || t.definition().isBlank()) return Verdict.drop("no_definition");
    if (t.instances().isEmpty()) return Verdict.drop("no_instances", 0, 1);
    return Verdict.KEEP;
  }
}
