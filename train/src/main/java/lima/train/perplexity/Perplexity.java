package lima.train.perplexity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import lima.train.chat.ChatFormat;
import lima.train.model.LlamaModel;

/**
 * Perplexity of a model over the assistant tokens of a set of conversations, the quantity of the LIMA
 * paper's appendix B (Figure 9): each conversation is rendered with the chat layout used in training
 * ({@link ChatFormat#render}), and only the positions a fine-tuning loss would train are scored (every
 * assistant token and the EOT that ends it). Perplexity is {@code exp(total NLL / scored tokens)} over
 * the whole set, so a long answer weighs in proportion to its tokens, as in training.
 *
 * <p>Conversations longer than {@code maxLen} tokens are trimmed to their first {@code maxLen} tokens,
 * as training trims them. Log-probabilities are summed in double precision.
 */
public final class Perplexity {
  private Perplexity() {}

  /** One dev conversation: user first, alternating; at least one assistant turn. */
  public record Conversation(String id, List<String> turns) {
    public Conversation {
      turns = List.copyOf(turns);
      if (turns.size() < 2) throw new IllegalArgumentException(id + ": a conversation needs a user turn and an assistant turn, got " + turns.size() + " turn(s)");
    }
  }

  /** The summed negative log-likelihood (natural log) of one conversation's scored tokens. */
  public record ExampleScore(String id, int tokens, double nll, boolean trimmed) {
    public double perplexity() {
      return tokens == 0 ? Double.NaN : Math.exp(nll / tokens);
    }
  }

  /** The whole set: {@code perplexity = exp(nll / tokens)}, {@code meanNll = nll / tokens} (nats per token). */
  public record Score(long tokens, double nll, List<ExampleScore> examples) {
    public Score {
      examples = List.copyOf(examples);
    }

    public double meanNll() {
      return tokens == 0 ? Double.NaN : nll / tokens;
    }

    public double perplexity() {
      return Math.exp(meanNll());
    }
  }

  /**
   * Loads the model folder with DJL on {@code placement} (whole sequences in one forward; the pure-Java CPU
   * decoder only steps token by token) and scores {@code data}.
   */
  public static Score score(java.nio.file.Path modelDir, lima.train.model.Placement placement, List<Conversation> data, int maxLen)
      throws java.io.IOException {
    try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(placement.device(), "PyTorch");
        LlamaModel model = LlamaModel.load(modelDir, manager, placement.dtype());
        lima.train.tokenizer.LimaTokenizer tok = lima.train.tokenizer.Tokenizers.open(modelDir)) {
      return score(model, ChatFormat.of(tok), data, maxLen);
    }
  }

  /** Scores every conversation with {@code model} (inference only, no dropout), one at a time. */
  public static Score score(LlamaModel model, ChatFormat chat, List<Conversation> data, int maxLen) {
    if (maxLen < 2) throw new IllegalArgumentException("maxLen must be at least 2, got " + maxLen);
    int limit = Math.min(maxLen, model.config().maxPositionEmbeddings());
    List<ExampleScore> out = new ArrayList<>();
    long tokens = 0;
    double nll = 0;
    for (Conversation c : data) {
      ExampleScore s = scoreOne(model, chat.render(c.turns()), c.id(), limit);
      out.add(s);
      tokens += s.tokens();
      nll += s.nll();
    }
    return new Score(tokens, nll, out);
  }

  static ExampleScore scoreOne(LlamaModel model, ChatFormat.Rendered r, String id, int limit) {
    int[] ids = r.ids();
    boolean[] trained = r.trained();
    boolean trimmed = ids.length > limit;
    int n = Math.min(ids.length, limit);
    int scored = 0;
    for (int k = 1; k < n; k++) if (trained[k]) scored++;
    if (scored == 0) return new ExampleScore(id, 0, 0, trimmed);
    float[] logp;
    try (NDManager m = model.manager().newSubManager()) {
      long[] in = new long[n - 1];
      for (int k = 0; k < n - 1; k++) in[k] = ids[k];
      NDArray x = m.create(in, new Shape(1, n - 1));
      NDArray logits = model.forward(x, null, false, false); // [1, n-1, V], fp32
      NDArray lp = logits.logSoftmax(-1);
      long[] tg = new long[n - 1];
      for (int k = 0; k < n - 1; k++) tg[k] = ids[k + 1];
      NDArray targets = m.create(tg, new Shape(1, n - 1, 1));
      logp = lp.gather(targets, -1).toType(DataType.FLOAT32, false).toFloatArray();
    }
    double nll = 0;
    for (int k = 1; k < n; k++) if (trained[k]) nll -= logp[k - 1];
    return new ExampleScore(id, scored, nll, trimmed);
  }
}
