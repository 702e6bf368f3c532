package lima.curate.stackexchange;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code lima curate stackexchange} writes, beside the LIMA pairs: the ablation and dialogue data of
 * the paper's sections 5 and 6 (docs/experiments.md).
 *
 * @param unfiltered the quality ablation: a random answer per question (any score), none of the quality
 *     or style filters (only the site table still decides which exchanges are read), still HTML to
 *     Markdown ({@code --unfiltered})
 * @param dialogues multi-turn chains from a question, its top answer and the comment thread under the
 *     answer (Comments.xml): -1 off, 0 every chain, N the N longest ({@code --dialogues N})
 */
public record StackExchangeMode(boolean unfiltered, int dialogues) {
  public static final StackExchangeMode PAIRS = new StackExchangeMode(false, -1);

  public StackExchangeMode {
    if (dialogues < -1) throw new IllegalArgumentException("--dialogues must be >= 0, got " + dialogues);
    if (unfiltered && dialogues >= 0) throw new IllegalArgumentException("--unfiltered and --dialogues are separate modes; give one");
  }

  public boolean dialogueMode() {
    return dialogues >= 0;
  }

  /** For the manifest and the fingerprint; empty for plain pairs, so their fingerprints do not change. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (unfiltered) m.put("unfiltered", true);
    if (dialogueMode()) m.put("dialogues", dialogues);
    return m;
  }
}
