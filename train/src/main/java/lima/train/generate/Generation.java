package lima.train.generate;

/**
 * One finished completion.
 *
 * @param text the completion text (no special tokens, cut before a stop string)
 * @param promptIds the ids the model was given
 * @param completionIds every id the model generated, the final EOS/EOT included
 * @param finishReason why it ended
 * @param nanos wall time of the whole generation (prompt included)
 */
public record Generation(String text, int[] promptIds, int[] completionIds, FinishReason finishReason, long nanos) {
  public int promptTokens() {
    return promptIds.length;
  }

  public int completionTokens() {
    return completionIds.length;
  }

  /** Generated tokens per second of wall time. */
  public double tokensPerSecond() {
    return nanos <= 0 ? 0 : completionIds.length / (nanos / 1e9);
  }
}
