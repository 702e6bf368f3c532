package lima.train.generate;

/**
 * The CTRL repetition penalty as transformers applies it: the logit of every token already generated is
 * divided by the penalty when positive and multiplied by it when negative (each token once, however often
 * it occurred). Here it covers the generated tokens only, as in the LIMA paper.
 */
public record RepetitionPenalty(float penalty) {
  public RepetitionPenalty {
    if (!(penalty > 0)) throw new IllegalArgumentException("repetition penalty must be > 0: " + penalty);
  }

  /** Applies the penalty in place; {@code seen[id]} marks generated tokens. */
  public void apply(float[] logits, boolean[] seen) {
    if (penalty == 1f) return;
    for (int i = 0; i < logits.length && i < seen.length; i++) {
      if (!seen[i]) continue;
      logits[i] = logits[i] < 0 ? logits[i] * penalty : logits[i] / penalty;
    }
  }
}
