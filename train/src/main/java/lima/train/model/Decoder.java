package lima.train.model;

/**
 * Incremental decoding of a LLaMA for generation: every sequence keeps its own key/value cache ({@link
 * State}), and one {@link #forward} call advances any number of sequences at once, each by any number of
 * tokens (a whole prompt, or the one token sampled last). Two implementations: {@link CpuLlama} (pure Java,
 * fp32 on the CPU: the default) and {@link DjlDecoder} (the DJL {@link LlamaModel}: GPU and float16).
 *
 * <p>An implementation computes every sequence's logits with the same arithmetic in the same order whatever
 * other sequences share the call, so a batched answer is identical, token for token, to the answer the
 * same sequence gets alone.
 */
public interface Decoder extends AutoCloseable {

  LlamaConfig config();

  /** A new, empty sequence (its key/value cache). */
  State newState();

  /**
   * Appends {@code feeds[i]} to {@code states[i]} for every i and writes the logits of the last token of
   * each feed into {@code logits[i]} (length vocab_size).
   *
   * @throws IllegalArgumentException when a sequence would pass max_position_embeddings
   */
  void forward(State[] states, int[][] feeds, float[][] logits);

  /** Frees what the decoder holds (weights, threads). */
  @Override
  void close();

  /** One sequence's cache. Not thread-safe; a state belongs to the decoder that made it. */
  interface State extends AutoCloseable {
    /** Positions stored (the position the next token gets). */
    int length();

    /** Forgets every position; the memory is kept for the next sequence. */
    void clear();

    @Override
    void close();
  }
}
