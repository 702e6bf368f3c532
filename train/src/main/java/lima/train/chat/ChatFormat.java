package lima.train.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lima.train.tokenizer.LimaTokenizer;

/**
 * The one definition of how a conversation becomes token ids, shared by training and generation (see
 * docs/chat-format.md):
 *
 * <pre>
 *   BOS  user_1 EOT  assistant_1 EOT  user_2 EOT  assistant_2 EOT ...
 * </pre>
 *
 * As in the LIMA paper: no role labels, turns alternate starting with the user, and every utterance is
 * followed by the end-of-turn token {@value #EOT_TOKEN}, a special token distinct from EOS. Each utterance
 * is tokenized on its own ({@link LimaTokenizer#encode}, no BOS/EOS), so a segment's ids never depend on
 * its neighbours. When the tokenizer has no {@value #EOT_TOKEN} (a base model not yet fine-tuned), EOS
 * stands in for EOT: the layout is the same with EOS after every utterance.
 *
 * <p>The trained mask marks the tokens a fine-tuning loss is computed on: every assistant token and the
 * EOT that ends it (so the model learns to stop). BOS, user tokens and the EOT after a user turn are not
 * trained. {@code trained[i]} refers to predicting {@code ids[i]} from {@code ids[0..i-1]}. Immutable and
 * thread-safe.
 */
public final class ChatFormat {
  /** The end-of-turn token added for fine-tuning. */
  public static final String EOT_TOKEN = "<|eot|>";

  private final LimaTokenizer tokenizer;
  private final int bos;
  private final int eot;
  private final boolean dedicatedEot;

  /** Ids and per-token training mask of a rendered conversation. */
  public record Rendered(int[] ids, boolean[] trained) {
    public Rendered {
      if (ids.length != trained.length) throw new IllegalArgumentException("ids and mask differ in length");
      ids = ids.clone();
      trained = trained.clone();
    }

    @Override
    public int[] ids() {
      return ids.clone();
    }

    @Override
    public boolean[] trained() {
      return trained.clone();
    }

    public int length() {
      return ids.length;
    }

    public int trainedCount() {
      int n = 0;
      for (boolean b : trained) if (b) n++;
      return n;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Rendered r && Arrays.equals(r.ids, ids) && Arrays.equals(r.trained, trained);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ids) * 31 + Arrays.hashCode(trained);
    }

    @Override
    public String toString() {
      return "Rendered" + Arrays.toString(ids);
    }
  }

  private ChatFormat(LimaTokenizer tokenizer, int bos, int eot, boolean dedicatedEot) {
    this.tokenizer = tokenizer;
    this.bos = bos;
    this.eot = eot;
    this.dedicatedEot = dedicatedEot;
  }

  /** The layout for a tokenizer: EOT is {@value #EOT_TOKEN} when the tokenizer has it, else EOS. */
  public static ChatFormat of(LimaTokenizer tokenizer) {
    int bos = tokenizer.bos();
    int eot = tokenizer.id(EOT_TOKEN);
    boolean dedicated = eot >= 0;
    if (!dedicated) eot = tokenizer.eos();
    if (eot < 0) throw new IllegalArgumentException(tokenizer.source() + ": the tokenizer has neither " + EOT_TOKEN + " nor an EOS token");
    return new ChatFormat(tokenizer, bos, eot, dedicated);
  }

  public LimaTokenizer tokenizer() {
    return tokenizer;
  }

  /** BOS id, or -1 when the tokenizer has none (then nothing is put first). */
  public int bos() {
    return bos;
  }

  /** The id that ends every utterance: {@value #EOT_TOKEN}, or EOS as the fallback. */
  public int eot() {
    return eot;
  }

  /** True when EOT is a token of its own, false when EOS stands in for it. */
  public boolean hasDedicatedEot() {
    return dedicatedEot;
  }

  /** Token ids that end an assistant turn in generation: EOT and EOS. */
  public int[] stopIds() {
    int eos = tokenizer.eos();
    return eos >= 0 && eos != eot ? new int[] {eot, eos} : new int[] {eot};
  }

  /**
   * Renders a whole conversation (user first, alternating) with its training mask. A conversation that
   * ends with a user turn renders that turn and its EOT untrained, as in {@link #prompt}.
   */
  public Rendered render(List<String> turns) {
    IntList ids = new IntList();
    List<Boolean> mask = new ArrayList<>();
    if (bos >= 0) {
      ids.add(bos);
      mask.add(false);
    }
    for (int t = 0; t < turns.size(); t++) {
      boolean assistant = t % 2 == 1;
      for (int id : tokenizer.encode(turns.get(t))) {
        ids.add(id);
        mask.add(assistant);
      }
      ids.add(eot);
      mask.add(assistant);
    }
    boolean[] m = new boolean[mask.size()];
    for (int i = 0; i < m.length; i++) m[i] = mask.get(i);
    return new Rendered(ids.toArray(), m);
  }

  /**
   * The ids a generation starts from: the conversation so far, which must end with a user turn (an odd
   * number of turns), each utterance followed by EOT; the model then writes the next assistant turn.
   */
  public int[] prompt(List<String> turns) {
    if (turns.isEmpty() || turns.size() % 2 == 0)
      throw new IllegalArgumentException("a prompt conversation must end with a user turn (odd number of turns), got " + turns.size());
    return render(turns).ids();
  }

  /** The ids of a single user prompt: {@code BOS prompt EOT}. */
  public int[] prompt(String userText) {
    return prompt(List.of(userText));
  }

  /** A one-line description for logs and {@code lima model info}. */
  public String describe() {
    String e = dedicatedEot ? EOT_TOKEN + "=" + eot : "EOS=" + eot + " (no " + EOT_TOKEN + " in the tokenizer)";
    return "BOS" + (bos >= 0 ? "=" + bos : " (none)") + ", then each utterance followed by " + e;
  }

  private static final class IntList {
    int[] a = new int[64];
    int n;

    void add(int v) {
      if (n == a.length) a = Arrays.copyOf(a, n * 2);
      a[n++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
