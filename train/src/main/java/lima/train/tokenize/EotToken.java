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
import lima.train.tokenizer.TokenizerFiles;
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
  public static final List<String> FILES = List.of(TokenizerFiles.FILES);

  /**
   * Copies the tokenizer files of {@code modelDir} into {@code outDir}, adding EOT; returns its id.
   * The entries in {@code tokenizer.json} and {@code added_tokens_decoder} are written by the model
   * work's {@link TokenizerFiles#addSpecialToken}; this adds what Hugging Face also saves: the token in
   * {@code additional_special_tokens} and, for a {@code tokenizer.model}-only folder, {@code
   * added_tokens.json}.
   */
  public static int write(Path modelDir, Path outDir) throws IOException {
    Path tokFile = Tokenizers.resolve(modelDir);
    TokenizerFiles.copy(tokFile.toAbsolutePath().getParent(), outDir);
    int existing;
    try (LimaTokenizer t = Tokenizers.open(outDir)) {
      existing = t.id(ChatFormat.EOT_TOKEN);
    }
    if (existing >= 0) return existing;
    int id = TokenizerFiles.addSpecialToken(outDir, ChatFormat.EOT_TOKEN);
    if (!Files.isRegularFile(outDir.resolve("tokenizer.json"))) {
      Path f = outDir.resolve("added_tokens.json");
      ObjectNode at = Files.isRegularFile(f) ? readObject(f) : Json.MAPPER.createObjectNode();
      at.put(ChatFormat.EOT_TOKEN, id);
      writeJson(f, at, true);
    }
    Path cfg = outDir.resolve("tokenizer_config.json");
    ObjectNode c = readObject(cfg);
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
