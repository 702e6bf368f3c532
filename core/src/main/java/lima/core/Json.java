package lima.core;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration every lima file is read and written with (sorted keys, no pretty tricks). */
public final class Json {
  private Json() {}

  /** Compact mapper for JSON Lines: map keys sorted so output is byte-stable. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  /** Indented mapper for human-facing JSON files (stats.json, manifest.json). */
  public static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

  /** What {@link #forEachLine} hands each record to: its 1-based line number and its parsed JSON. */
  @FunctionalInterface
  public interface LineHandler {
    void accept(long line, JsonNode node) throws IOException;
  }

  /**
   * Reads a JSON Lines file record by record: a leading BOM and blank lines are skipped, a line that is not JSON
   * is a {@link BadInputException} naming the file and line. The caller checks the record's shape.
   */
  public static void forEachLine(Path file, LineHandler handler) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (no == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
        if (line.isBlank()) continue;
        JsonNode n;
        try {
          n = MAPPER.readTree(line);
        } catch (IOException e) {
          throw BadInputException.at(file, no, "not valid JSON");
        }
        handler.accept(no, n);
      }
    }
  }
}
