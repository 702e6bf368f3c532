package lima.train.tokenizer;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/**
 * What the two tokenizer kinds share: the file they were read from, their kind's name, and BOS/EOS/UNK and
 * the special-token table, resolved once the subclass's vocabulary is in place ({@link #resolveSpecials}
 * then {@link #setSpecials}, both from the subclass constructor).
 */
abstract class BaseTokenizer implements LimaTokenizer {
  private final Path source;
  private final String kind;
  private int bos = -1, eos = -1, unk = -1;
  private Map<String, Integer> specials = Map.of();

  BaseTokenizer(Path source, String kind) {
    this.source = source;
    this.kind = kind;
  }

  /**
   * Sets BOS, EOS and UNK (the configured contents, else {@code <s>}, {@code </s>}, {@code <unk>}) through
   * {@link #id}, and returns the named specials and added tokens of {@code st} for the subclass to complete
   * and hand to {@link #setSpecials}.
   */
  final Map<String, Integer> resolveSpecials(SpecialTokens st) {
    this.bos = idOr(st.bos(), "<s>");
    this.eos = idOr(st.eos(), "</s>");
    this.unk = idOr(st.unk(), "<unk>");
    return st.resolve(this::id);
  }

  final void setSpecials(Map<String, Integer> specials) {
    this.specials = Collections.unmodifiableMap(specials);
  }

  private int idOr(String configured, String fallback) {
    return configured != null ? id(configured) : id(fallback);
  }

  @Override
  public int bos() {
    return bos;
  }

  @Override
  public int eos() {
    return eos;
  }

  @Override
  public int unk() {
    return unk;
  }

  @Override
  public Map<String, Integer> specialTokens() {
    return specials;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public Path source() {
    return source;
  }
}
