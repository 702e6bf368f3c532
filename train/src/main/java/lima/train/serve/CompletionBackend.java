package lima.train.serve;

import java.util.List;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generation;
import lima.train.generate.TokenListener;

/**
 * What the HTTP layer needs from a model: prompt ids for a plain text or a chat, and one generation that
 * streams its text. {@link GeneratorBackend} is the real one (the model branch's {@code Generator}, which
 * does sampling, stop tokens, stop strings and the held-back text deltas); tests use a scripted fake.
 * Implementations say how many {@link #generate} calls may run at once; the server never runs more than
 * {@code --max-concurrency} at once.
 */
public interface CompletionBackend extends AutoCloseable {

  /** The id served under {@code /v1/models} and expected in the {@code model} request field. */
  String modelId();

  /** The most positions (prompt plus generated tokens) the model can attend over. */
  int contextLength();

  /** Ids of a plain completion prompt: BOS (when the tokenizer has one) then the text's ids; "" is BOS alone. */
  int[] completionPrompt(String text);

  /** Ids of a chat prompt in the project's one chat layout; {@code turns} alternate user/assistant, user first and last. */
  int[] chatPrompt(List<String> turns);

  /**
   * Generates after {@code promptIds} with {@code options} (its seed seeds the sampling), calling {@code
   * listener} after every token with the new text; concatenating the deltas gives the returned text. The
   * listener returning false ends it with {@code FinishReason.CANCELLED}.
   */
  Generation generate(int[] promptIds, GenerateOptions options, TokenListener listener);

  @Override
  void close();
}
