package lima.train.generate;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import lima.core.BadInputException;
import lima.core.UserException;
import lima.train.chat.ChatFormat;
import lima.train.model.CpuLlama;
import lima.train.model.DecodeThreads;
import lima.train.model.Decoder;
import lima.train.model.DjlDecoder;
import lima.train.model.LlamaConfig;
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
 * <p>Decoding runs on a {@link Decoder}: {@link CpuLlama} (pure Java) for fp32 on the CPU, the DJL {@link
 * LlamaModel} for the GPU and float16. {@link #generateAll} answers many prompts in one decoding loop
 * (continuous batching) with the same answers as one at a time.
 *
 * <p><b>Thread safety:</b> an instance is thread-safe; {@code generate} and {@code generateAll} calls are
 * serialised. To serve concurrent callers in one decoding loop use {@link BatchingGenerator}.
 */
public final class Generator implements AutoCloseable {
  private final Decoder decoder;
  private final LlamaModel model; // null on the pure-Java CPU path
  private final LimaTokenizer tokenizer;
  private final ChatFormat chat;
  private final NDManager manager; // owned, or null
  private final boolean ownsTokenizer;
  private final int[] stopIds;
  private Decoder.State single; // the state reused by generate()

  /**
   * Uses an already loaded model and tokenizer (not closed by {@link #close()}). An fp32 model on the CPU
   * decodes with a {@link CpuLlama} copy of its weights (taken now); any other with the model itself.
   */
  public Generator(LlamaModel model, LimaTokenizer tokenizer) {
    this(decoderFor(model), model, tokenizer, null, false);
  }

  /** Decodes with {@code decoder} (closed by {@link #close()}; the tokenizer is not). */
  public Generator(Decoder decoder, LimaTokenizer tokenizer) {
    this(decoder, decoder instanceof DjlDecoder d ? d.model() : null, tokenizer, null, false);
  }

  private Generator(Decoder decoder, LlamaModel model, LimaTokenizer tokenizer, NDManager manager, boolean ownsTokenizer) {
    this.decoder = decoder;
    this.model = model;
    this.tokenizer = tokenizer;
    this.chat = ChatFormat.of(tokenizer);
    this.manager = manager;
    this.ownsTokenizer = ownsTokenizer;
    this.stopIds = chat.stopIds();
    if (tokenizer.vocabSize() > decoder.config().vocabSize())
      throw new BadInputException(tokenizer.source() + ": the tokenizer has " + tokenizer.vocabSize() + " tokens but the model's vocab_size is " + decoder.config().vocabSize());
  }

  private static Decoder decoderFor(LlamaModel model) {
    boolean cpu32 = !model.manager().getDevice().isGpu() && model.dtype() == DataType.FLOAT32;
    if (cpu32 && useJava()) return CpuLlama.copyOf(model, CpuLlama.defaultThreads(model.config()));
    return new DjlDecoder(model, false);
  }

  /** The pure-Java decoder serves CPU fp32 unless the Vector API is missing or {@code -Dlima.decoder=djl}. */
  private static boolean useJava() {
    // Asked of the module layer, not of CpuLlama: initialising that class without the module fails.
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && !"djl".equals(System.getProperty("lima.decoder"));
  }

  /** Loads a Hugging Face model folder (config.json, safetensors, tokenizer) for fp32 on the CPU. */
  public static Generator open(Path modelDir) throws IOException {
    return open(modelDir, Placement.CPU_FP32);
  }

  /**
   * Loads a model folder onto {@code placement}'s device, in its dtype (see {@link Placement}): fp32 on the
   * CPU decodes with {@link CpuLlama} (no DJL engine is started), anything else with the DJL model.
   */
  public static Generator open(Path modelDir, Placement placement) throws IOException {
    if (!placement.device().isGpu() && placement.dtype() == DataType.FLOAT32 && useJava()) {
      CpuLlama cpu = CpuLlama.load(modelDir);
      try {
        return new Generator(cpu, null, Tokenizers.open(modelDir), null, true);
      } catch (IOException | RuntimeException e) {
        cpu.close();
        throw e;
      }
    }
    NDManager manager = NDManager.newBaseManager(placement.device(), "PyTorch");
    if (!placement.device().isGpu() && System.getProperty("ai.djl.pytorch.num_threads") == null) {
      // The measured rule for CPU decoding, set through DJL's own call (not a global system property);
      // -Dai.djl.pytorch.num_threads still wins.
      ai.djl.pytorch.jni.JniUtils.setNumThreads(DecodeThreads.of(LlamaConfig.read(modelDir)));
    }
    LlamaModel model = null;
    LimaTokenizer tok = null;
    try {
      model = LlamaModel.load(modelDir, manager, placement.dtype());
      tok = Tokenizers.open(modelDir);
      return new Generator(new DjlDecoder(model, true), model, tok, manager, true);
    } catch (IOException | RuntimeException e) {
      if (tok != null) tok.close();
      if (model != null) model.close();
      manager.close();
      throw e;
    }
  }

  /** The DJL model behind this generator, or null when it decodes with {@link CpuLlama}. */
  public LlamaModel model() {
    return model;
  }

  public Decoder decoder() {
    return decoder;
  }

  public LlamaConfig config() {
    return decoder.config();
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
    Decoding d = new Decoding(this, promptIds, options, rng, listener);
    if (single == null) single = decoder.newState();
    single.clear();
    float[][] logits = {new float[decoder.config().vocabSize()]};
    Decoder.State[] states = {single};
    while (!d.finished()) {
      decoder.forward(states, new int[][] {d.feed()}, logits);
      d.accept(logits[0]);
    }
    return d.result();
  }

  /** One prompt of a batch: its ids, options, random generator and listener. */
  public record Job(int[] promptIds, GenerateOptions options, RandomGenerator rng, TokenListener listener) {}

  /**
   * Answers many prompts, at most {@code batch} at a time (continuous batching: a finished sequence's slot
   * takes the next job at once, whose prompt is read in the same step as the others' next tokens). Every job
   * keeps its own sampler, random generator, stop conditions and listener, and the decoder's arithmetic does
   * not depend on what shares a step, so each answer is the one {@link #generate(int[], GenerateOptions,
   * RandomGenerator, TokenListener)} gives alone. {@code done} gets each finished job's index and result in
   * the order they finish. Prompts too long for the context are rejected before anything runs.
   */
  public synchronized void generateAll(List<Job> jobs, int batch, java.util.function.ObjIntConsumer<Generation> done) {
    if (batch < 1) throw new IllegalArgumentException("batch must be at least 1: " + batch);
    Decoding[] all = new Decoding[jobs.size()];
    for (int i = 0; i < all.length; i++) {
      Job j = jobs.get(i);
      all[i] = new Decoding(this, j.promptIds(), j.options(), j.rng(), j.listener());
    }
    BatchLoop loop = new BatchLoop(decoder, batch);
    try {
      int next = 0;
      while (true) {
        while (next < all.length && loop.hasRoom()) {
          Decoding d = all[next];
          int index = next++;
          if (d.finished()) done.accept(d.result(), index);
          else loop.add(d, index);
        }
        if (loop.isEmpty()) break;
        loop.step((d, index) -> done.accept(d.result(), index));
      }
    } finally {
      loop.close();
    }
  }

  /** Decodings sharing one forward pass per step; the slots' states are reused. */
  static final class BatchLoop implements AutoCloseable {
    private final Decoder decoder;
    private final Decoding[] slot;
    private final int[] index;
    private final Decoder.State[] states;
    private final float[][] logits;
    private int active;

    BatchLoop(Decoder decoder, int batch) {
      this.decoder = decoder;
      slot = new Decoding[batch];
      index = new int[batch];
      states = new Decoder.State[batch];
      logits = new float[batch][];
    }

    boolean hasRoom() {
      return active < slot.length;
    }

    boolean isEmpty() {
      return active == 0;
    }

    void add(Decoding d, int idx) {
      for (int s = 0; s < slot.length; s++) {
        if (slot[s] != null) continue;
        if (states[s] == null) {
          states[s] = decoder.newState();
          logits[s] = new float[decoder.config().vocabSize()];
        }
        states[s].clear();
        slot[s] = d;
        index[s] = idx;
        active++;
        return;
      }
      throw new IllegalStateException("no free slot");
    }

    /** One forward pass of every active sequence; finished ones leave (in slot order) through {@code done}. */
    void step(java.util.function.ObjIntConsumer<Decoding> done) {
      step(d -> true, done);
    }

    /** As {@link #step(java.util.function.ObjIntConsumer)} for the sequences {@code ready} accepts; false when none was. */
    boolean step(java.util.function.Predicate<Decoding> ready, java.util.function.ObjIntConsumer<Decoding> done) {
      int m = 0;
      boolean[] go = new boolean[slot.length]; // asked once: the answer may change while we run
      for (int s = 0; s < slot.length; s++) if (slot[s] != null && (go[s] = ready.test(slot[s]))) m++;
      if (m == 0) return false;
      Decoder.State[] st = new Decoder.State[m];
      int[][] feeds = new int[m][];
      float[][] lg = new float[m][];
      int[] slots = new int[m];
      int n = 0;
      for (int s = 0; s < slot.length; s++) {
        if (!go[s]) continue;
        st[n] = states[s];
        feeds[n] = slot[s].feed();
        lg[n] = logits[s];
        slots[n++] = s;
      }
      decoder.forward(st, feeds, lg);
      for (int i = 0; i < n; i++) {
        int s = slots[i];
        Decoding d = slot[s];
        d.accept(logits[s]);
        if (d.finished()) {
          slot[s] = null;
          active--;
          done.accept(d, index[s]);
        }
      }
      return true;
    }

    @Override
    public void close() {
      for (Decoder.State s : states) if (s != null) s.close();
    }
  }

  /**
   * One sequence being decoded: the prompt first, then one token per step, with its own sampler, random
   * generator, repetition penalty, stop conditions and listener.
   */
  static final class Decoding {
    private final Generator g;
    private final int[] promptIds;
    private final GenerateOptions options;
    private final RandomGenerator rng;
    private final TokenListener listener;
    private final Sampler sampler;
    private final RepetitionPenalty penalty;
    private final boolean[] seen;
    private final int maxStop;
    /** No listener and no stop strings: the text is decoded once, at the end, not after every token. */
    private final boolean quiet;
    private final int[] out;
    private final int[] prefix;
    private final String prefixText;
    private final long start = System.nanoTime();
    private int n;
    private int emitted;
    private String text = "";
    private FinishReason finish;
    private long nanos;

    Decoding(Generator g, int[] promptIds, GenerateOptions options, RandomGenerator rng, TokenListener listener) {
      this.g = g;
      int maxPos = g.config().maxPositionEmbeddings();
      if (promptIds.length == 0) throw new IllegalArgumentException("empty prompt ids (the tokenizer has no BOS)");
      if (promptIds.length >= maxPos)
        throw new UserException("the prompt has " + promptIds.length + " tokens; the model's context holds " + maxPos);
      this.promptIds = promptIds.clone();
      this.options = options;
      this.rng = rng;
      this.listener = listener;
      sampler = Sampler.of(options);
      penalty = new RepetitionPenalty(options.repetitionPenalty());
      seen = new boolean[g.config().vocabSize()];
      maxStop = options.stop().stream().mapToInt(String::length).max().orElse(0);
      quiet = listener == TokenListener.NONE && options.stop().isEmpty();
      out = new int[Math.min(options.maxNewTokens(), maxPos - promptIds.length)];
      if (options.maxNewTokens() == 0) finish(FinishReason.LENGTH);
      // Raw continuation: decode the completion after the prompt text, so a leading space ("▁were") survives.
      prefix = options.raw() ? g.textPart(promptIds) : new int[0];
      prefixText = prefix.length == 0 ? "" : g.tokenizer.decode(prefix);
    }

    boolean finished() {
      return finish != null;
    }

    /** What the next forward pass appends: the prompt first, then the token sampled last. */
    int[] feed() {
      return n == 0 ? promptIds : new int[] {out[n - 1]};
    }

    private void finish(FinishReason r) {
      finish = r;
      nanos = System.nanoTime() - start;
    }

    /** Samples from the logits of the last fed token (modified in place) and streams the new text. */
    void accept(float[] logits) {
      penalty.apply(logits, seen);
      int next = sampler.sample(logits, rng);
      out[n++] = next;
      if (next >= 0 && next < seen.length) seen[next] = true;
      int textEnd = n;
      FinishReason f = null;
      if (contains(g.stopIds, next)) {
        f = next == g.chat.eot() && g.chat.hasDedicatedEot() ? FinishReason.EOT : FinishReason.EOS;
        textEnd = n - 1;
      }
      if (f == null && quiet && n < options.maxNewTokens() && n < out.length) return; // nobody reads the text before the end
      text = g.decodeAfter(prefix, prefixText, Arrays.copyOf(out, textEnd));
      int cut = firstStop(text, options.stop(), Math.max(0, emitted - maxStop));
      if (cut >= 0) {
        text = text.substring(0, cut);
        f = FinishReason.STOP_STRING;
      }
      if (f == null && n == options.maxNewTokens()) f = FinishReason.LENGTH;
      if (f == null && n == out.length) f = FinishReason.CONTEXT;
      int safe = text.length();
      if (f == null) {
        safe = Math.max(emitted, text.length() - Math.max(0, maxStop - 1));
        while (safe > emitted && (text.charAt(safe - 1) == '\uFFFD' || Character.isHighSurrogate(text.charAt(safe - 1)))) safe--;
      }
      String delta = safe > emitted ? text.substring(emitted, safe) : "";
      emitted = Math.max(emitted, safe);
      if (!quiet && !listener.onToken(next, delta) && f == null) f = FinishReason.CANCELLED;
      if (f != null) finish(f);
    }

    Generation result() {
      return new Generation(text, promptIds.clone(), Arrays.copyOf(out, n), finish, nanos);
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

  /** Frees the decoder (and, for a generator made by {@link #open}, the model and tokenizer). */
  @Override
  public synchronized void close() {
    if (single != null) single.close();
    single = null;
    decoder.close();
    if (ownsTokenizer) tokenizer.close();
    if (manager != null) manager.close();
  }
}
