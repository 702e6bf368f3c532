package lima.train.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.Json;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's binding of the tokenizers library, with truncation
 * and padding off (DJL truncates at 512 tokens by default) and no special tokens added on encode. The
 * vocabulary (for id/piece lookups) is read from the same JSON. Note: the tokenizers library matches
 * added tokens inside text, so a literal {@code </s>} in text becomes the EOS id.
 */
public final class HfJsonTokenizer extends BaseTokenizer {
  private final HuggingFaceTokenizer tok;
  private final Map<String, Integer> vocab;
  private final String[] pieces;

  public HfJsonTokenizer(Path jsonFile, SpecialTokens st) throws IOException {
    super(jsonFile, "tokenizer.json");
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(jsonFile.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadInputException(jsonFile + ": not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject() || !root.path("model").isObject())
      throw new BadInputException(jsonFile + ": not a tokenizer.json (no \"model\" object)");
    Map<String, Integer> v = new HashMap<>();
    JsonNode mv = root.path("model").path("vocab");
    if (mv.isObject()) {
      mv.fields().forEachRemaining(e -> v.put(e.getKey(), e.getValue().asInt()));
    } else if (mv.isArray()) { // Unigram: [[piece, score], ...]
      for (int i = 0; i < mv.size(); i++) v.put(mv.get(i).get(0).asText(), i);
    } else {
      throw new BadInputException(jsonFile + ": model.vocab is missing");
    }
    Map<String, Integer> added = new LinkedHashMap<>();
    for (JsonNode a : root.path("added_tokens")) {
      v.put(a.path("content").asText(), a.path("id").asInt());
      if (a.path("special").asBoolean(false)) added.put(a.path("content").asText(), a.path("id").asInt());
    }
    int max = v.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    this.pieces = new String[max + 1];
    v.forEach((p, id) -> pieces[id] = p);
    this.vocab = Collections.unmodifiableMap(v);
    try {
      this.tok =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(jsonFile)
              .optAddSpecialTokens(false)
              .optTruncation(false)
              .optPadding(false)
              .build();
    } catch (RuntimeException e) {
      throw new BadInputException(jsonFile + ": the tokenizers library refused it (" + e.getMessage() + ")");
    }
    Map<String, Integer> sp = resolveSpecials(st);
    added.forEach(sp::putIfAbsent);
    setSpecials(sp);
  }

  @Override
  public int[] encode(String text) {
    long[] ids = tok.encode(text, false, false).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = (int) ids[i];
    return out;
  }

  @Override
  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) l[i] = ids[i];
    return tok.decode(l, skipSpecialTokens);
  }

  @Override
  public int vocabSize() {
    return pieces.length;
  }

  @Override
  public String piece(int id) {
    return id >= 0 && id < pieces.length ? pieces[id] : null;
  }

  @Override
  public int id(String piece) {
    Integer i = vocab.get(piece);
    return i == null ? -1 : i;
  }

  @Override
  public void close() {
    tok.close();
  }
}
