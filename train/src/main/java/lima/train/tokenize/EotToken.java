package lima.train.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.AtomicFiles;
import lima.core.BadInputException;
import lima.core.Json;
import lima.train.chat.ChatFormat;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;

/**
 * Writes a model's tokenizer files with the end-of-turn token {@value ChatFormat#EOT_TOKEN} added as a
 * new special token, the way Hugging Face's {@code tokenizer.add_special_tokens} saves it:
 *
 * <ul>
 *   <li>{@code tokenizer.json}: a new entry in {@code added_tokens} ({@code special: true});
 *   <li>{@code tokenizer_config.json}: the same in {@code added_tokens_decoder}, and the token in
 *       {@code additional_special_tokens};
 *   <li>{@code special_tokens_map.json}: {@code additional_special_tokens};
 *   <li>a {@code tokenizer.model}-only model also gets {@code added_tokens.json} ({@code {token: id}}).
 * </ul>
 *
 * The new id is the tokenizer's current size, so it follows the vocabulary without a gap. When the
 * tokenizer already has the token, the files are copied unchanged.
 */
public final class EotToken {
  private EotToken() {}

  /** Tokenizer-related files copied from a model folder. */
  public static final List<String> FILES =
      List.of("tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json");

  /** Copies the tokenizer files of {@code modelDir} into {@code outDir}, adding EOT; returns its id. */
  public static int write(Path modelDir, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    Path tokFile = Tokenizers.resolve(modelDir);
    Path srcDir = tokFile.toAbsolutePath().getParent();
    int existing;
    int size;
    try (LimaTokenizer t = Tokenizers.open(modelDir)) {
      existing = t.id(ChatFormat.EOT_TOKEN);
      size = t.vocabSize();
    }
    for (String f : FILES) {
      Path p = srcDir.resolve(f);
      if (Files.isRegularFile(p)) AtomicFiles.write(outDir.resolve(f), out -> Files.copy(p, out));
    }
    if (existing >= 0) return existing;
    int id = size;
    boolean json = tokFile.getFileName().toString().endsWith(".json");
    if (json) {
      ObjectNode root = readObject(outDir.resolve("tokenizer.json"));
      JsonNode at = root.get("added_tokens");
      ArrayNode arr = at instanceof ArrayNode a ? a : root.putArray("added_tokens");
      arr.add(addedToken(id, true));
      writeJson(outDir.resolve("tokenizer.json"), root, false);
    } else {
      Path f = outDir.resolve("added_tokens.json");
      ObjectNode at = Files.isRegularFile(f) ? readObject(f) : Json.MAPPER.createObjectNode();
      at.put(ChatFormat.EOT_TOKEN, id);
      writeJson(f, at, true);
    }
    Path cfg = outDir.resolve("tokenizer_config.json");
    ObjectNode c = Files.isRegularFile(cfg) ? readObject(cfg) : Json.MAPPER.createObjectNode();
    JsonNode dec = c.get("added_tokens_decoder");
    ObjectNode d = dec instanceof ObjectNode o ? o : c.putObject("added_tokens_decoder");
    ObjectNode entry = addedToken(id, false);
    d.set(Integer.toString(id), entry);
    addSpecial(c);
    writeJson(cfg, c, true);
    Path map = outDir.resolve("special_tokens_map.json");
    ObjectNode sm = Files.isRegularFile(map) ? readObject(map) : Json.MAPPER.createObjectNode();
    addSpecial(sm);
    writeJson(map, sm, true);
    try (LimaTokenizer t = Tokenizers.open(outDir)) {
      if (t.id(ChatFormat.EOT_TOKEN) != id)
        throw new IllegalStateException(outDir + ": the written tokenizer gives " + ChatFormat.EOT_TOKEN + " id " + t.id(ChatFormat.EOT_TOKEN) + ", expected " + id);
    }
    return id;
  }

  private static ObjectNode addedToken(int id, boolean withId) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    if (withId) e.put("id", id);
    e.put("content", ChatFormat.EOT_TOKEN);
    e.put("single_word", false);
    e.put("lstrip", false);
    e.put("rstrip", false);
    e.put("normalized", false);
    e.put("special", true);
    return e;
  }

  private static void addSpecial(ObjectNode n) {
    JsonNode a = n.get("additional_special_tokens");
    ArrayNode arr = a instanceof ArrayNode x ? x : n.putArray("additional_special_tokens");
    for (JsonNode e : arr) if (ChatFormat.EOT_TOKEN.equals(e.asText())) return;
    arr.add(ChatFormat.EOT_TOKEN);
  }

  private static ObjectNode readObject(Path f) throws IOException {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(f.toFile());
    } catch (IOException e) {
      throw new BadInputException(f + ": not valid JSON (" + e.getMessage() + ")");
    }
    if (!(n instanceof ObjectNode o)) throw new BadInputException(f + ": expected a JSON object");
    return o;
  }

  private static void writeJson(Path f, JsonNode n, boolean pretty) throws IOException {
    // keep the file's own key order (the mapper only sorts Maps, not trees)
    AtomicFiles.writeString(f, (pretty ? Json.PRETTY : Json.MAPPER).writeValueAsString(n) + (pretty ? "\n" : ""));
  }
}
