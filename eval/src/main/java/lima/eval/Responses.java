package lima.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.UserException;

/**
 * The responses of one model, by prompt id, read from JSON Lines: what {@code lima generate} writes or
 * any file with one object per line holding a prompt id ({@code id} or {@code prompt_id}) and a
 * response ({@code response}, {@code output} or {@code completion}); our Example format {@code
 * {"conversations":[prompt,response],"id":...}} is accepted too. A repeated id is an error.
 */
public record Responses(String name, Path file, Map<String, String> byId) {

  public Responses {
    byId = Collections.unmodifiableMap(new LinkedHashMap<>(byId));
  }

  /** Reads {@code file}; {@code name} (the model's name in reports) defaults to the file name's stem. */
  public static Responses read(Path file, String name) throws IOException {
    if (!Files.isRegularFile(file)) throw new UserException(file + ": no such file");
    Map<String, String> out = new LinkedHashMap<>();
    Json.forEachLine(file, (no, n) -> {
      if (n == null || !n.isObject()) throw BadInputException.at(file, no, "expected a JSON object with an id and a response");
      String id = text(n, "id", "prompt_id");
      String resp = text(n, "response", "output", "completion");
      JsonNode conv = n.get("conversations");
      if (resp == null && conv != null && conv.isArray() && conv.size() >= 2 && conv.get(1).isTextual())
        resp = conv.get(1).asText();
      if (id == null) throw BadInputException.at(file, no, "no prompt id (expected \"id\" or \"prompt_id\")");
      if (resp == null)
        throw BadInputException.at(file, no, "no response (expected \"response\", \"output\", \"completion\" or \"conversations\":[prompt,response])");
      if (out.put(id, resp) != null) throw BadInputException.at(file, no, "prompt id \"" + id + "\" appears twice");
    });
    return new Responses(name == null || name.isBlank() ? stem(file) : name, file, out);
  }

  private static String text(JsonNode n, String... names) {
    for (String k : names) {
      JsonNode v = n.get(k);
      if (v != null && !v.isNull() && (v.isTextual() || v.isNumber())) return v.asText();
    }
    return null;
  }

  /** The file name without its extensions: {@code out/lima-65b.jsonl} gives {@code lima-65b}. */
  public static String stem(Path file) {
    String n = file.getFileName().toString();
    for (String ext : new String[] {".jsonl", ".json", ".csv"}) if (n.endsWith(ext)) return n.substring(0, n.length() - ext.length());
    return n;
  }

  /** {@code NAME=PATH} or just {@code PATH} (the name is then the file's stem). */
  public static Responses readSpec(String spec) throws IOException {
    int eq = spec.indexOf('=');
    if (eq > 0 && !Files.exists(Path.of(spec))) return read(Path.of(spec.substring(eq + 1)), spec.substring(0, eq));
    return read(Path.of(spec), null);
  }

  /** One model's response to one prompt. */
  public record Answered(String model, String id, String prompt, String response) {}

  /**
   * Every (model, prompt) pair that has a response, models in order and prompts in prompt-file order;
   * a prompt a model did not answer goes to rejects ({@code pair/missing_response}) and is skipped.
   */
  public static java.util.List<Answered> answered(lima.core.RunDir run, java.util.List<Responses> models, Map<String, String> prompts)
      throws java.io.IOException {
    java.util.List<Answered> out = new java.util.ArrayList<>();
    for (Responses m : models)
      for (var e : prompts.entrySet()) {
        String resp = m.byId().get(e.getKey());
        if (resp == null) {
          run.reject(e.getKey(), "pair", "missing_response", Map.of("model", m.name()));
          continue;
        }
        out.add(new Answered(m.name(), e.getKey(), e.getValue(), resp));
      }
    return out;
  }
}
