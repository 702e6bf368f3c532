package lima.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads examples from JSON Lines: our {@code examples.jsonl} and the released LIMA {@code
 * train.jsonl}/{@code test.jsonl} (which have only {@code conversations} and {@code source}).
 *
 * <p>A record without an id gets {@code <file stem>-<line>} so every record can be named. A bad line
 * throws {@link BadInputException} naming the file and line, unless a {@link BadLineHandler} is given,
 * in which case the line is reported and skipped.
 */
public final class ExampleReader implements Iterable<Example>, Closeable {

  /** Receives lines that are not valid examples; the reader then goes on. */
  @FunctionalInterface
  public interface BadLineHandler {
    void bad(Path file, long line, String reason, String text);
  }

  private final Path file;
  private final BufferedReader reader;
  private final BadLineHandler onBad;
  private final String stem;
  private long lineNo;

  public ExampleReader(Path file) throws IOException {
    this(file, null);
  }

  public ExampleReader(Path file, BadLineHandler onBad) throws IOException {
    this.file = file;
    if (!Files.isRegularFile(file)) throw new UserException(file + ": no such file");
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    this.reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16);
    this.onBad = onBad;
    String name = file.getFileName().toString();
    int dot = name.indexOf('.');
    this.stem = dot > 0 ? name.substring(0, dot) : name;
  }

  /** Reads a whole file (small files only: test sets, prompt files). */
  public static List<Example> readAll(Path file) throws IOException {
    try (ExampleReader r = new ExampleReader(file)) {
      List<Example> out = new ArrayList<>();
      r.forEach(out::add);
      return out;
    }
  }

  /** The line number of the record most recently returned. */
  public long lineNumber() {
    return lineNo;
  }

  public Path file() {
    return file;
  }

  @Override
  public Iterator<Example> iterator() {
    return new Iterator<>() {
      Example next = advance();

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Example next() {
        if (next == null) throw new NoSuchElementException();
        Example e = next;
        next = advance();
        return e;
      }
    };
  }

  public Stream<Example> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
  }

  private Example advance() {
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1);
        if (line.isBlank()) continue;
        try {
          return parse(line, lineNo);
        } catch (BadInputException e) {
          if (onBad == null) throw e;
          onBad.bad(file, lineNo, e.getMessage(), line);
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(file + ":" + lineNo + ": " + e.getMessage(), e);
    }
  }

  /** Parses one JSON line into an example; {@code line} is used for the default id and errors. */
  public Example parse(String text, long line) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw BadInputException.at(file, line, "not valid JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (node == null || !node.isObject())
      throw BadInputException.at(file, line, "expected a JSON object with \"conversations\"");
    JsonNode conv = node.get("conversations");
    List<String> turns = new ArrayList<>();
    if (conv != null && conv.isArray()) {
      for (JsonNode t : conv) {
        if (!t.isTextual())
          throw BadInputException.at(file, line, "\"conversations\" must hold strings only");
        turns.add(t.asText());
      }
    } else if (node.hasNonNull("prompt") || node.hasNonNull("instruction")) {
      // Lenient: a prompt file with a "prompt" field (and optional "response").
      turns.add(node.hasNonNull("prompt") ? node.get("prompt").asText() : node.get("instruction").asText());
      JsonNode r = node.has("response") ? node.get("response") : node.get("output");
      if (r != null && r.isTextual()) turns.add(r.asText());
    } else {
      throw BadInputException.at(file, line, "expected a \"conversations\" array of strings");
    }
    if (turns.isEmpty()) throw BadInputException.at(file, line, "\"conversations\" is empty");
    String source = node.path("source").asText("");
    String id = node.hasNonNull("id") ? node.get("id").asText() : stem + "-" + line;
    Map<String, Object> meta = new LinkedHashMap<>();
    JsonNode m = node.get("meta");
    if (m != null && m.isObject()) {
      meta = Json.MAPPER.convertValue(m, Json.MAPPER.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    }
    return new Example(id, source, turns, meta);
  }

  private static String firstLine(String s) {
    if (s == null) return "parse error";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
