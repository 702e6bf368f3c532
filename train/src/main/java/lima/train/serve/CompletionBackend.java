package lima.train.serve;

import java.util.List;

/**
 * What the HTTP layer needs from a model: prompt ids for a plain text or a chat, decoding, and one
 * generation that reports each new token as it is produced. {@link LlamaBackend} is the real one; tests
 * use small fakes. Implementations say in their javadoc how many {@link #generate} calls may run at once;
 * the server never runs more than {@code --max-concurrency} at once.
 */
public interface CompletionBackend extends AutoCloseable {

  /** The id served under {@code /v1/models} and expected in the {@code model} request field. */
  String modelId();

  /** The most positions (prompt plus generated tokens) the model can attend over. */
  int contextLength();

  /** Ids of a plain completion prompt: BOS (when the tokenizer has one) then the text's ids. */
  int[] completionPrompt(String text);

  /** Ids of a chat prompt in the project's chat layout; {@code turns} alternate user/assistant, user first and last. */
  int[] chatPrompt(List<String> turns);

  /** Text of generated ids, special tokens left out. */
  String decode(int[] ids);

  /** Receives each generated token; returning false ends the generation at once (stop string, client gone, shutdown). */
  @FunctionalInterface
  interface TokenSink {
    boolean accept(int tokenId);
  }

  /** Why a generation ended. */
  enum End {
    /** The model wrote a stop token (EOS or end-of-turn); that token is not passed to the sink. */
    STOP_TOKEN,
    /** {@code maxNewTokens} were written. */
    LENGTH,
    /** The sink returned false. */
    SINK
  }

  /**
   * The outcome of one generation.
   *
   * @param generatedTokens tokens the model produced, the stop token included
   */
  record Outcome(int generatedTokens, End end) {}

  /**
   * Generates up to {@code maxNewTokens} tokens after {@code prompt} with the given sampling, passing
   * each token (except a final stop token) to {@code sink}.
   */
  Outcome generate(int[] prompt, Sampling sampling, int maxNewTokens, TokenSink sink);

  @Override
  void close();
}
