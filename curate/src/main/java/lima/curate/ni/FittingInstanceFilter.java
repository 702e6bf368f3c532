package lima.curate.ni;

import java.util.SplittableRandom;
import lima.core.Hashing;
import lima.core.Verdict;

/**
 * Picks a task's example: its instances in a seeded random order (stream: the task name), the first with
 * an input and a first output whose prompt (definition, blank line, input) and response fit the bounds.
 * Drops tasks where none fits. Reason: {@code no_fitting_instance}; evidence: the bounds.
 */
public record FittingInstanceFilter(int maxPromptChars, int maxResponseChars, long seed) implements NiFilter {
  public static final String NAME = "fits";

  public FittingInstanceFilter {
    if (maxPromptChars < 1 || maxResponseChars < 1) throw new IllegalArgumentException("length bounds must be >= 1, got " + maxPromptChars + ", " + maxResponseChars);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(NiTask t) {
    return pick(t) < 0 ? Verdict.drop("no_fitting_instance", t.instances().size() + " instances", "prompt <= " + maxPromptChars + ", response <= " + maxResponseChars) : Verdict.KEEP;
  }

  /** The index of the task's example, or -1 when no instance fits. */
  public int pick(NiTask t) {
    SplittableRandom rng = Hashing.rng(seed, t.name());
    int n = t.instances().size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int x = order[i];
      order[i] = order[j];
      order[j] = x;
    }
    String def = t.definition() == null ? "" : t.definition().strip();
    for (int k : order) {
      NiTask.Instance in = t.instances().get(k);
      if (in.outputs().isEmpty() || in.outputs().get(0).isBlank() || in.input().isBlank()) continue;
      if (NiCurator.prompt(def, in.input()).length() > maxPromptChars || in.outputs().get(0).strip().length() > maxResponseChars) continue;
      return k;
    }
    return -1;
  }
}
