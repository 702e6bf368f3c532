package lima.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lima.core.Json;

/** Small input files for eval tests. */
final class EvalFixtures {
  private EvalFixtures() {}

  /** Writes prompts in the LIMA test format ({"conversations":[prompt],"source":..,"id":..}). */
  static Path prompts(Path dir, Map<String, String> byId) throws IOException {
    List<String> lines = new ArrayList<>();
    for (var e : byId.entrySet())
      lines.add(Json.MAPPER.writeValueAsString(Map.of("id", e.getKey(), "source", "test", "conversations", List.of(e.getValue()))));
    Path p = dir.resolve("prompts.jsonl");
    Files.write(p, lines);
    return p;
  }

  /** Writes responses as {"id":..,"response":..} lines. */
  static Path responses(Path dir, String name, Map<String, String> byId) throws IOException {
    List<String> lines = new ArrayList<>();
    for (var e : byId.entrySet()) lines.add(Json.MAPPER.writeValueAsString(Map.of("id", e.getKey(), "response", e.getValue())));
    Path p = dir.resolve(name + ".jsonl");
    Files.write(p, lines);
    return p;
  }

  /** Every file under {@code dir} as text, for "the key is nowhere" checks. */
  static String allText(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) sb.append(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    return sb.toString();
  }
}
