package lima.train.tokenizer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A character tokenizer for tests: ids 0..3 are {@code <unk> <s> </s> <|eot|>} (EOT only when asked for),
 * then one id per printable ASCII character (32..126) starting at 4. {@link #stoppingAt(int, int)} moves
 * EOS and EOT onto other ids (e.g. 0, which an all-zero-logits model always picks greedily).
 */
public final class FakeTokenizer implements LimaTokenizer {
  private final boolean withEot;
  private final int eos;
  private final int eot;

  public FakeTokenizer(boolean withEot) {
    this(withEot, 2, withEot ? 3 : -1);
  }

  private FakeTokenizer(boolean withEot, int eos, int eot) {
    this.withEot = withEot;
    this.eos = eos;
    this.eot = eot;
  }

  /** EOS at {@code eos}; EOT at {@code eot} (or none when -1). */
  public static FakeTokenizer stoppingAt(int eos, int eot) {
    return new FakeTokenizer(eot >= 0, eos, eot);
  }

  @Override
  public int[] encode(String text) {
    return text.chars().map(c -> c >= 32 && c < 127 ? c - 32 + 4 : 0).toArray();
  }

  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) {
      if (id >= 4 && id < 4 + 95) sb.append((char) (id - 4 + 32));
      else if (id == eos || id == eot) {
        if (!skipSpecialTokens) sb.append(id == eos ? "</s>" : "<|eot|>");
      } else if (!skipSpecialTokens || id == 0) sb.append(piece(id));
    }
    return sb.toString();
  }

  @Override
  public int vocabSize() {
    return 4 + 95;
  }

  @Override
  public String piece(int id) {
    return switch (id) {
      case 0 -> "<unk>";
      case 1 -> "<s>";
      case 2 -> "</s>";
      case 3 -> withEot ? "<|eot|>" : "<unused>";
      default -> id >= 4 && id < 99 ? String.valueOf((char) (id - 4 + 32)) : null;
    };
  }

  @Override
  public int id(String piece) {
    if (piece.equals("<|eot|>")) return eot;
    for (int i = 0; i < vocabSize(); i++) if (piece.equals(piece(i))) return i;
    return -1;
  }

  @Override
  public int bos() {
    return 1;
  }

  @Override
  public int eos() {
    return eos;
  }

  @Override
  public int unk() {
    return 0;
  }

  @Override
  public Map<String, Integer> specialTokens() {
    Map<String, Integer> m = new LinkedHashMap<>(Map.of("<unk>", 0, "<s>", 1, "</s>", 2));
    if (withEot) m.put("<|eot|>", 3);
    return m;
  }

  @Override
  public String kind() {
    return "fake";
  }

  @Override
  public Path source() {
    return Path.of("fake");
  }

  @Override
  public void close() {}
}
