package lima.train.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import lima.core.BadInputException;
import lima.core.Json;

/**
 * BOS/EOS/UNK/PAD names and added tokens from a model folder's {@code tokenizer_config.json}, {@code
 * special_tokens_map.json} and {@code added_tokens.json}. Values are token contents (strings); ids are
 * resolved by the tokenizer. Later files do not override earlier ones: tokenizer_config.json wins, as in
 * transformers.
 *
 * @param added added tokens by id (from {@code added_tokens_decoder} and {@code added_tokens.json})
 * @param specialAdded ids of added tokens marked special
 */
public record SpecialTokens(String bos, String eos, String unk, String pad, Map<Integer, String> added, java.util.Set<Integer> specialAdded) {

  public static final SpecialTokens NONE = new SpecialTokens(null, null, null, null, Map.of(), java.util.Set.of());

  /** Reads the files next to {@code tokenizerFile} (missing files are fine). */
  public static SpecialTokens read(Path dir) throws IOException {
    String bos = null, eos = null, unk = null, pad = null;
    Map<Integer, String> added = new TreeMap<>();
    java.util.Set<Integer> special = new java.util.TreeSet<>();
    for (String name : new String[] {"tokenizer_config.json", "special_tokens_map.json"}) {
      JsonNode n = readJson(dir.resolve(name));
      if (n == null) continue;
      if (bos == null) bos = content(n.get("bos_token"));
      if (eos == null) eos = content(n.get("eos_token"));
      if (unk == null) unk = content(n.get("unk_token"));
      if (pad == null) pad = content(n.get("pad_token"));
      JsonNode dec = n.get("added_tokens_decoder");
      if (dec != null && dec.isObject()) {
        for (var it = dec.fields(); it.hasNext(); ) {
          var e = it.next();
          int id;
          try {
            id = Integer.parseInt(e.getKey());
          } catch (NumberFormatException x) {
            throw new BadInputException(dir.resolve(name) + ": added_tokens_decoder key \"" + e.getKey() + "\" is not an id");
          }
          String c = content(e.getValue());
          if (c == null) continue;
          added.putIfAbsent(id, c);
          if (e.getValue().path("special").asBoolean(false)) special.add(id);
        }
      }
    }
    JsonNode at = readJson(dir.resolve("added_tokens.json"));
    if (at != null && at.isObject()) {
      for (var it = at.fields(); it.hasNext(); ) {
        var e = it.next();
        if (e.getValue().canConvertToInt()) added.putIfAbsent(e.getValue().asInt(), e.getKey());
      }
    }
    return new SpecialTokens(bos, eos, unk, pad, Map.copyOf(added), java.util.Set.copyOf(special));
  }

  private static JsonNode readJson(Path f) throws IOException {
    if (!Files.isRegularFile(f)) return null;
    try {
      JsonNode n = Json.MAPPER.readTree(f.toFile());
      if (n != null && !n.isObject()) throw new BadInputException(f + ": expected a JSON object");
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadInputException(f + ": not valid JSON (" + e.getOriginalMessage() + ")");
    }
  }

  /** A token given as a string or as {"content": ...}. */
  static String content(JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (n.isTextual()) return n.asText();
    if (n.isObject() && n.path("content").isTextual()) return n.get("content").asText();
    return null;
  }

  /** Named specials first, then added tokens; used to fill {@link LimaTokenizer#specialTokens()}. */
  Map<String, Integer> resolve(java.util.function.ToIntFunction<String> idOf) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String s : new String[] {bos, eos, unk, pad}) {
      if (s == null) continue;
      int id = idOf.applyAsInt(s);
      if (id >= 0) m.putIfAbsent(s, id);
    }
    added.forEach((id, c) -> m.putIfAbsent(c, id));
    return m;
  }
}
