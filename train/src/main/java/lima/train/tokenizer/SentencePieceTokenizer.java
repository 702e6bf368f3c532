package lima.train.tokenizer;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lima.core.BadInputException;

/**
 * A SentencePiece {@code tokenizer.model} through DJL's SentencePiece binding, plus the added tokens of the
 * folder's {@code tokenizer_config.json}/{@code added_tokens.json} (ids past the SentencePiece vocabulary,
 * such as an {@code <|eot|>} added for fine-tuning). Text is encoded as plain text: an added token's
 * string inside user text is not turned into its id.
 */
public final class SentencePieceTokenizer extends BaseTokenizer {
  private final SpTokenizer sp;
  private final SpProcessor proc;
  private final int spSize;
  private final SentencePieceModel model;
  private final Map<String, Integer> pieceIds = new HashMap<>();
  private final Map<Integer, String> addedById;
  private final Map<String, Integer> addedByContent;
  private final java.util.Set<Integer> skipOnDecode;

  public SentencePieceTokenizer(Path modelFile, SpecialTokens st) throws IOException {
    super(modelFile, "sentencepiece");
    try {
      this.sp = new SpTokenizer(modelFile);
    } catch (RuntimeException e) {
      throw new BadInputException(modelFile + ": not a SentencePiece model (" + e.getMessage() + ")");
    }
    this.proc = sp.getProcessor();
    this.model = SentencePieceModel.read(modelFile);
    this.spSize = model.pieces().size();
    for (int i = 0; i < spSize; i++) pieceIds.putIfAbsent(model.pieces().get(i), i);
    Map<Integer, String> byId = new TreeMap<>();
    Map<String, Integer> byContent = new HashMap<>();
    for (var e : st.added().entrySet()) {
      if (e.getKey() >= spSize) {
        byId.put(e.getKey(), e.getValue());
        byContent.put(e.getValue(), e.getKey());
      }
    }
    for (int i = spSize; i < spSize + byId.size(); i++)
      if (!byId.containsKey(i)) throw new BadInputException(modelFile.resolveSibling("tokenizer_config.json") + ": added token ids must follow the " + spSize + " SentencePiece pieces without gaps (missing " + i + ")");
    this.addedById = Collections.unmodifiableMap(byId);
    this.addedByContent = Collections.unmodifiableMap(byContent);
    Map<String, Integer> sp2 = resolveSpecials(st);
    for (int s : new int[] {bos(), eos(), unk()}) if (s >= 0) sp2.putIfAbsent(piece(s), s);
    setSpecials(sp2);
    java.util.Set<Integer> skip = new java.util.HashSet<>(specialTokens().values());
    for (int i = 0; i < spSize; i++) if (model.types().get(i) == SentencePieceModel.CONTROL) skip.add(i);
    skip.remove(unk());
    this.skipOnDecode = Collections.unmodifiableSet(skip);
  }

  @Override
  public int[] encode(String text) {
    if (text.isEmpty()) return new int[0];
    return proc.encode(text);
  }

  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    StringBuilder sb = new StringBuilder();
    List<Integer> run = new ArrayList<>();
    for (int id : ids) {
      boolean special = id >= spSize || skipOnDecode.contains(id);
      if (!special) {
        run.add(id);
        continue;
      }
      flush(sb, run);
      if (!skipSpecialTokens) {
        String p = piece(id);
        if (p != null) sb.append(p);
      }
    }
    flush(sb, run);
    return sb.toString();
  }

  /**
   * Decodes a run of SentencePiece ids in Java: DJL's native decode mangles byte-fallback pieces
   * ({@code <0xF0>}...). Pieces are UTF-8 with U+2581 for a space, byte pieces are raw bytes, an unknown
   * piece reads " \u2047 " as in SentencePiece, and the dummy-prefix space of the first piece is dropped.
   */
  private void flush(StringBuilder sb, List<Integer> run) {
    if (run.isEmpty()) return;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int id : run) {
      int type = model.types().get(id);
      String p = model.pieces().get(id);
      if (type == SentencePieceModel.BYTE && p.length() == 6 && p.startsWith("<0x") && p.endsWith(">")) {
        bytes.write(Integer.parseInt(p.substring(3, 5), 16));
      } else if (type == SentencePieceModel.UNKNOWN) {
        bytes.writeBytes(" \u2047 ".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } else if (type != SentencePieceModel.CONTROL) {
        bytes.writeBytes(p.replace('\u2581', ' ').getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    String text = new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    // Each run between special tokens was encoded as its own segment, with its own dummy prefix.
    if (text.startsWith(" ") && model.pieces().get(run.get(0)).startsWith("\u2581")) text = text.substring(1);
    sb.append(text);
    run.clear();
  }

  @Override
  public int vocabSize() {
    return spSize + addedById.size();
  }

  @Override
  public String piece(int id) {
    if (id >= 0 && id < spSize) return model.pieces().get(id);
    return addedById.get(id);
  }

  @Override
  public int id(String piece) {
    Integer a = addedByContent.get(piece);
    if (a != null) return a;
    Integer id = pieceIds.get(piece);
    return id == null ? -1 : id;
  }

  @Override
  public void close() {
    sp.close();
  }
}
