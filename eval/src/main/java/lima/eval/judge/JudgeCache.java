package lima.eval.judge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lima.core.Json;

/**
 * Every judge request and its raw answer, as an append-only JSON Lines log keyed by the sha256 of the
 * request body ({@code OUT/cache.jsonl}). A re-run over the same folder reads it first and asks the
 * server only for requests it does not hold, so an interrupted run resumes where it stopped.
 *
 * <p>It is a log, not a finished output: a line is appended and flushed as each answer arrives (in
 * arrival order), and a torn last line from a killed run is skipped on load. The API key is not part
 * of the body, so it never reaches this file.
 */
public final class JudgeCache implements AutoCloseable {

  /** One cached exchange. */
  public record Entry(String key, String model, JsonNode request, String rawResponse, int attempts) {}

  private final Path file;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private OutputStream out;
  private int skippedLines;

  public JudgeCache(Path file) throws IOException {
    this.file = file;
    if (Files.isRegularFile(file)) {
      try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.isBlank()) continue;
          try {
            JsonNode n = Json.MAPPER.readTree(line);
            Entry e = new Entry(n.path("key").asText(), n.path("model").asText(), n.get("request"), n.path("response").asText(), n.path("attempts").asInt(1));
            if (!e.key().isEmpty() && n.hasNonNull("response")) entries.put(e.key(), e);
          } catch (IOException ex) {
            skippedLines++;
          }
        }
      }
    }
  }

  /** The cache key of a request body: sha256 of its compact JSON (keys sorted). */
  public static String key(JsonNode requestBody) {
    try {
      return lima.core.Hashing.sha256(Json.MAPPER.writeValueAsString(Json.MAPPER.treeToValue(requestBody, Object.class)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Entry get(String key) {
    return entries.get(key);
  }

  public int size() {
    return entries.size();
  }

  /** Lines of a torn or damaged cache that were ignored on load. */
  public int skippedLines() {
    return skippedLines;
  }

  public Path file() {
    return file;
  }

  /** Stores and appends one answer (flushed at once so a crash loses at most the line being written). */
  public synchronized void put(Entry e) throws IOException {
    entries.put(e.key(), e);
    if (out == null) {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (Files.size(file) > 0 && !endsWithNewline()) out.write('\n');
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", e.key());
    m.put("model", e.model());
    m.put("request", e.request());
    m.put("response", e.rawResponse());
    m.put("attempts", e.attempts());
    out.write(Json.MAPPER.writeValueAsBytes(m));
    out.write('\n');
    out.flush();
  }

  private boolean endsWithNewline() throws IOException {
    byte[] all = Files.readAllBytes(file);
    return all.length == 0 || all[all.length - 1] == '\n';
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) out.close();
    out = null;
  }
}
