package lima.train.generate;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import lima.core.BadInputException;
import lima.core.UserException;
import lima.train.chat.ChatFormat;
import lima.train.model.KvCache;
import lima.train.model.LlamaModel;
import lima.train.model.Placement;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;

/**
 * Text generation with a {@link LlamaModel}: the reusable entry point for {@code lima generate}, the
 * server and evaluation.
 *
 * <pre>{@code
 * try (Generator g = Generator.open(Path.of("models/my-lima"))) {
 *   Generation out = g.generate("How do I cook an omelette?", GenerateOptions.DEFAULTS, TokenListener.NONE);
 *   System.out.println(out.text() + " [" + out.finishReason().id() + "]");
 * }
 * }</pre>
 *
 * A prompt string is wrapped in the chat layout ({@link ChatFormat}: {@code BOS prompt EOT}) unless {@link
 * GenerateOptions#raw()}; an empty prompt starts from BOS alone. A conversation (user first, ending with a
 * user turn) is rendered with the same layout. Generation stops on EOS, on the end-of-turn token when the
 * model has one, on a stop string, at {@code maxNewTokens}, or when the context is full.
 *
 * <p><b>Thread safety:</b> an instance is thread-safe; {@code generate} calls are serialised (one
 * generation at a time per instance, which is what one CPU model can do well). To run several at once,
 * open several instances or share one {@link LlamaModel} between Generators built with {@link
 * #Generator(LlamaModel, LimaTokenizer)} (the model's weights are read-only during inference).
 */
public final class Generator implements AutoCloseable {
  private final LlamaModel model;
  private final LimaTokenizer tokenizer;
  private final ChatFormat chat;
  private final NDManager manager;
  private final boolean owns;
  private final int[] stopIds;

  /** Uses an already loaded model and tokenizer (not closed by {@link #close()}). */
  public Generator(LlamaModel model, LimaTokenizer tokenizer) {
    this(model, tokenizer, null, false);
  }

  private Generator(LlamaModel model, LimaTokenizer tokenizer, NDManager manager, boolean owns) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.chat = ChatFormat.of(tokenizer);
    this.manager = manager != null ? manager : model.manager();
    this.owns = owns;
    this.stopIds = chat.stopIds();
    if (tokenizer.vocabSize() > model.config().vocabSize())
      throw new BadInputException(tokenizer.source() + ": the tokenizer has " + tokenizer.vocabSize() + " tokens but the model's vocab_size is " + model.config().vocabSize());
  }

  /** Loads a Hugging Face model folder (config.json, safetensors, tokenizer) on the PyTorch engine's default device. */
  public static Generator open(Path modelDir) throws IOException {
    return open(modelDir, new Placement(Engine.getEngine("PyTorch").defaultDevice(), DataType.FLOAT32));
  }

  /** Loads a model folder onto {@code placement}'s device, in its dtype (see {@link Placement}). */
  public static Generator open(Path modelDir, Placement placement) throws IOException {
    NDManager manager = NDManager.newBaseManager(placement.device(), "PyTorch");
    LlamaModel model = null;
    LimaTokenizer tok = null;
    try {
      model = LlamaModel.load(modelDir, manager, placement.dtype());
      tok = Tokenizers.open(modelDir);
      return new Generator(model, tok, manager, true);
    } catch (IOException | RuntimeException e) {
      if (tok != null) tok.close();
      if (model != null) model.close();
      manager.close();
      throw e;
    }
  }

  public LlamaModel model() {
    return model;
  }

  public LimaTokenizer tokenizer() {
    return tokenizer;
  }

  public ChatFormat chat() {
    return chat;
  }

  /** The prompt ids {@link #generate(String, GenerateOptions, TokenListener)} would use. */
  public int[] promptIds(String prompt, boolean raw) {
    if (prompt.isEmpty()) return chat.bos() >= 0 ? new int[] {chat.bos()} : new int[0];
    if (!raw) return chat.prompt(prompt);
    int[] text = tokenizer.encode(prompt);
    if (chat.bos() < 0) return text;
    int[] ids = new int[text.length + 1];
    ids[0] = chat.bos();
    System.arraycopy(text, 0, ids, 1, text.length);
    return ids;
  }

  /** Completes a single prompt (chat layout unless {@code options.raw()}), sampling seeded by {@code options.seed()}. */
  public Generation generate(String prompt, GenerateOptions options, TokenListener listener) {
    return generate(promptIds(prompt, options.raw()), options, new SplittableRandom(options.seed()), listener);
  }

  /** Writes the next assistant turn of a conversation (user first, odd number of turns). */
  public Generation generate(List<String> conversation, GenerateOptions options, TokenListener listener) {
    return generate(chat.prompt(conversation), options, new SplittableRandom(options.seed()), listener);
  }

  /**
   * Completes prompt ids with the given random generator (the options' seed is not used here).
   *
   * @throws UserException when the prompt does not fit the model's context
   */
  public synchronized Generation generate(int[] promptIds, GenerateOptions options, RandomGenerator rng, TokenListener listener) {
    long start = System.nanoTime();
    int maxPos = model.config().maxPositionEmbeddings();
    if (promptIds.length == 0) throw new IllegalArgumentException("empty prompt ids (the tokenizer has no BOS)");
    if (promptIds.length >= maxPos)
      throw new UserException("the prompt has " + promptIds.length + " tokens; the model's context holds " + maxPos);
    Sampler sampler = Sampler.of(options);
    RepetitionPenalty penalty = new RepetitionPenalty(options.repetitionPenalty());
    boolean[] seen = new boolean[model.config().vocabSize()];
    int maxStop = options.stop().stream().mapToInt(String::length).max().orElse(0);
    int[] out = new int[Math.min(options.maxNewTokens(), maxPos - promptIds.length)];
    int n = 0;
    int emitted = 0;
    String text = "";
    FinishReason finish = null;
    if (options.maxNewTokens() == 0) finish = FinishReason.LENGTH;
    // Raw continuation: decode the completion after the prompt text, so a leading space ("▁were") survives.
    int[] prefix = options.raw() ? textPart(promptIds) : new int[0];
    String prefixText = prefix.length == 0 ? "" : tokenizer.decode(prefix);
    try (KvCache cache = model.newCache()) {
      int[] feed = promptIds;
      while (finish == null) {
        float[] logits = step(feed, cache);
        penalty.apply(logits, seen);
        int next = sampler.sample(logits, rng);
        out[n++] = next;
        if (next >= 0 && next < seen.length) seen[next] = true;
        int textEnd = n;
        if (contains(stopIds, next)) {
          finish = next == chat.eot() && chat.hasDedicatedEot() ? FinishReason.EOT : FinishReason.EOS;
          textEnd = n - 1;
        }
        text = decodeAfter(prefix, prefixText, Arrays.copyOf(out, textEnd));
        int cut = firstStop(text, options.stop(), Math.max(0, emitted - maxStop));
        if (cut >= 0) {
          text = text.substring(0, cut);
          finish = FinishReason.STOP_STRING;
        }
        if (finish == null && n == options.maxNewTokens()) finish = FinishReason.LENGTH;
        if (finish == null && n == out.length) finish = FinishReason.CONTEXT;
        int safe = text.length();
        if (finish == null) {
          safe = Math.max(emitted, text.length() - Math.max(0, maxStop - 1));
          while (safe > emitted && (text.charAt(safe - 1) == '\uFFFD' || Character.isHighSurrogate(text.charAt(safe - 1)))) safe--;
        }
        String delta = safe > emitted ? text.substring(emitted, safe) : "";
        emitted = Math.max(emitted, safe);
        if (!listener.onToken(next, delta) && finish == null) finish = FinishReason.CANCELLED;
        feed = new int[] {next};
      }
    }
    return new Generation(text, promptIds.clone(), Arrays.copyOf(out, n), finish, System.nanoTime() - start);
  }

  /** One forward pass over {@code ids} (appended to the cache); logits of the last position. */
  private float[] step(int[] ids, KvCache cache) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      long[] l = new long[ids.length];
      for (int i = 0; i < ids.length; i++) l[i] = ids[i];
      NDArray x = manager.create(l, new Shape(1, ids.length));
      return model.forward(x, cache, false, true).toFloatArray();
    }
  }

  private int[] textPart(int[] promptIds) {
    int from = promptIds.length > 0 && promptIds[0] == chat.bos() ? 1 : 0;
    return Arrays.copyOfRange(promptIds, from, promptIds.length);
  }

  private String decodeAfter(int[] prefix, String prefixText, int[] completion) {
    if (prefix.length == 0) return tokenizer.decode(completion);
    int[] all = Arrays.copyOf(prefix, prefix.length + completion.length);
    System.arraycopy(completion, 0, all, prefix.length, completion.length);
    String t = tokenizer.decode(all);
    return t.startsWith(prefixText) ? t.substring(prefixText.length()) : tokenizer.decode(completion);
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) if (x == v) return true;
    return false;
  }

  /** Index of the earliest stop string in {@code text} at or after {@code from}, or -1. */
  static int firstStop(String text, List<String> stops, int from) {
    int best = -1;
    for (String s : stops) {
      int i = text.indexOf(s, from);
      if (i >= 0 && (best < 0 || i < best)) best = i;
    }
    return best;
  }

  @Override
  public void close() {
    if (!owns) return;
    tokenizer.close();
    model.close();
    manager.close();
  }
}
