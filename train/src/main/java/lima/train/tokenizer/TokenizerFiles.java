package lima.train.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import lima.core.AtomicFiles;
import lima.core.BadInputException;
import lima.core.Json;

/** Edits the tokenizer files of a model folder. */
public final class TokenizerFiles {
  private TokenizerFiles() {}

  /** The tokenizer files copied by {@link #copy}. */
  public static final String[] FILES = {"tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"};

  /** Copies every tokenizer file present in {@code from} into {@code to}. */
  public static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    for (String f : FILES) {
      Path p = from.resolve(f);
      if (Files.isRegularFile(p)) Files.copy(p, to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Adds a special token with the next free id (the tokenizer's current vocabulary size) and returns the
   * id: listed in {@code tokenizer_config.json}'s {@code added_tokens_decoder} (read by both tokenizer
   * kinds) and, when the folder has a {@code tokenizer.json}, in its {@code added_tokens} (which the
   * tokenizers library reads). Nothing changes when the token is already there (its id is returned).
   */
  public static int addSpecialToken(Path dir, String content) throws IOException {
    int id;
    try (LimaTokenizer t = Tokenizers.open(dir)) {
      int existing = t.id(content);
      if (existing >= 0) return existing;
      id = t.vocabSize();
    }
    Path json = dir.resolve("tokenizer.json");
    if (Files.isRegularFile(json)) {
      JsonNode root = Json.MAPPER.readTree(json.toFile());
      if (!(root instanceof ObjectNode obj)) throw new BadInputException(json + ": expected a JSON object");
      ArrayNode added = obj.has("added_tokens") && obj.get("added_tokens").isArray() ? (ArrayNode) obj.get("added_tokens") : obj.putArray("added_tokens");
      ObjectNode a = added.addObject();
      a.put("id", id);
      addedToken(a, content, "single_word", "lstrip", "rstrip", "normalized");
      // Keep tokenizer.json's own key order (not Json.MAPPER's sorted maps).
      AtomicFiles.writeString(json, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(obj) + "\n");
    }
    Path cfg = dir.resolve("tokenizer_config.json");
    ObjectNode c = Files.isRegularFile(cfg) && Json.MAPPER.readTree(cfg.toFile()) instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
    ObjectNode dec = c.has("added_tokens_decoder") && c.get("added_tokens_decoder").isObject() ? (ObjectNode) c.get("added_tokens_decoder") : c.putObject("added_tokens_decoder");
    addedToken(dec.putObject(Integer.toString(id)), content, "lstrip", "normalized", "rstrip", "single_word");
    AtomicFiles.writeString(cfg, Json.PRETTY.writeValueAsString(c) + "\n");
    return id;
  }

  /**
   * An added special token's entry: its content, the matching flags {@code off} (false) in the order given
   * (each file keeps its own key order), then {@code special: true}.
   */
  private static void addedToken(ObjectNode entry, String content, String... off) {
    entry.put("content", content);
    for (String flag : off) entry.put(flag, false);
    entry.put("special", true);
  }
}
