package lima.curate.wikihow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.core.CountingInputStream;
import lima.core.Json;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of one wikiHow input file ({@link WikiHowLayout}) as {@link StepRow}s. Malformed
 * rows and files go to a {@link BadSink} with {@code file:line} and the reason; reading goes on with
 * the next row (or, when the CSV itself can no longer be parsed, the next file).
 */
public final class WikiHowReader {
  /** Receives malformed input: where (file:line), why, and an excerpt. */
  @FunctionalInterface
  public interface BadSink {
    void bad(String where, String reason, String excerpt) throws IOException;
  }

  /** Receives rows. */
  @FunctionalInterface
  public interface RowSink {
    void row(StepRow row) throws IOException;
  }

  private static final Pattern METHOD_SUFFIX = Pattern.compile("^(.*[^\\s\\d])(\\d{1,2})$");

  private WikiHowReader() {}

  /** The layout of {@code file}, from its first line; throws a one-line {@link lima.core.BadInputException} when none fits. */
  public static WikiHowLayout detect(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = r.readLine();
      while (first != null && first.isBlank()) first = r.readLine();
      if (first == null) throw new lima.core.BadInputException(file + ":1: empty file; " + WikiHowLayout.EXPECTED);
      if (first.stripLeading().startsWith("{")) return WikiHowLayout.JSONL;
      List<String> header;
      try (CSVParser p = CSVParser.parse(first, CSVFormat.RFC4180)) {
        header = p.getRecords().get(0).toList();
      }
      WikiHowLayout.Columns c = WikiHowLayout.columns(header);
      if (c == null)
        throw new lima.core.BadInputException(file + ":1: unknown header '" + first.strip() + "'; " + WikiHowLayout.EXPECTED);
      return c.layout();
    } catch (java.nio.charset.MalformedInputException e) {
      throw new lima.core.BadInputException(file + ":1: not UTF-8 text; " + WikiHowLayout.EXPECTED);
    }
  }

  /**
   * Reads every row of {@code file}. {@code fileIndex} keeps articles of different files apart;
   * {@code progress} receives the bytes read so far.
   */
  public static void read(Path file, int fileIndex, RowSink rows, BadSink bad, LongConsumer progress) throws IOException {
    WikiHowLayout layout;
    try {
      layout = detect(file);
    } catch (lima.core.BadInputException e) {
      bad.bad(file + ":1", e.getMessage().substring(e.getMessage().indexOf(": ") + 2), null);
      return;
    }
    try (InputStream raw = Files.newInputStream(file);
        CountingInputStream in = new CountingInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      if (layout == WikiHowLayout.JSONL) readJsonl(file, fileIndex, new BufferedReader(reader, 1 << 16), rows, bad, in, progress);
      else readCsv(file, fileIndex, reader, rows, bad, in, progress);
    }
  }

  private static void readCsv(Path file, int fileIndex, Reader reader, RowSink rows, BadSink bad, CountingInputStream in, LongConsumer progress) throws IOException {
    CSVFormat fmt = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build();
    try (CSVParser p = CSVParser.parse(reader, fmt)) {
      WikiHowLayout.Columns cols = WikiHowLayout.columns(p.getHeaderNames());
      if (cols == null) {
        bad.bad(file + ":1", "unknown header " + p.getHeaderNames() + "; " + WikiHowLayout.EXPECTED, null);
        return;
      }
      int width = p.getHeaderNames().size();
      Iterator<CSVRecord> it = p.iterator();
      long n = 0;
      while (true) {
        CSVRecord rec;
        long line = p.getCurrentLineNumber() + 1;
        try {
          if (!it.hasNext()) break;
          rec = it.next();
        } catch (UncheckedIOException | IllegalStateException e) {
          String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
          bad.bad(file + ":" + line, "CSV can no longer be parsed (" + oneLine(why) + "); rest of file skipped", null);
          return;
        }
        String where = file + ":" + line;
        if (++n % 256 == 0) progress.accept(in.count());
        if (rec.size() != width) {
          bad.bad(where, "expected " + width + " columns " + p.getHeaderNames() + ", got " + rec.size(), String.join(",", rec.toList()));
          continue;
        }
        StepRow row = toRow(file, fileIndex, cols, rec, where);
        if (row == null) {
          bad.bad(where, "empty title", String.join(",", rec.toList()));
          continue;
        }
        rows.row(row);
      }
      progress.accept(in.count());
    }
  }

  static StepRow toRow(Path file, int fileIndex, WikiHowLayout.Columns cols, CSVRecord rec, String where) {
    String title = nz(cols.get(rec, "title")).strip();
    if (title.isEmpty()) return null;
    String rawTitle = title;
    int method = 0;
    if (cols.layout() == WikiHowLayout.ALL) {
      Matcher m = METHOD_SUFFIX.matcher(title);
      if (m.matches()) {
        title = m.group(1);
        method = Integer.parseInt(m.group(2));
      }
    }
    String category = blankToNull(cols.get(rec, "category"));
    String intro = blankToNull(cols.get(rec, "intro"));
    String section = blankToNull(cols.get(rec, "section"));
    String headline = nz(cols.get(rec, "headline"));
    String body = nz(cols.get(rec, "text"));
    return new StepRow(key(fileIndex, title), title, category, intro, section, method, headline, body, cols.layout() == WikiHowLayout.ALL, where, rawTitle);
  }

  /** The article key: file index and the title without page-title decorations, lower-cased. */
  static String key(int fileIndex, String title) {
    return fileIndex + ":" + Titles.core(title).toLowerCase(Locale.ROOT);
  }

  private static void readJsonl(Path file, int fileIndex, BufferedReader r, RowSink rows, BadSink bad, CountingInputStream in, LongConsumer progress) throws IOException {
    String line;
    long n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (n % 256 == 0) progress.accept(in.count());
      if (line.isBlank()) continue;
      String where = file + ":" + n;
      JsonNode o;
      try {
        o = Json.MAPPER.readTree(line);
      } catch (JsonProcessingException e) {
        bad.bad(where, "broken JSON line (" + oneLine(e.getOriginalMessage()) + ")", line);
        continue;
      }
      List<StepRow> out;
      try {
        out = jsonArticle(fileIndex, o, where);
      } catch (IllegalArgumentException e) {
        bad.bad(where, e.getMessage(), line);
        continue;
      }
      for (StepRow s : out) rows.row(s);
    }
    progress.accept(in.count());
  }

  /**
   * One JSON article: {@code title}; {@code category} (a string, a path such as {@code "Home and Garden
   * > Cleaning"}, or a list root first; also {@code categories}); {@code intro}/{@code overview}/{@code
   * description}; {@code methods}/{@code parts}/{@code sections}: a list of {@code {"name": ..., "steps":
   * [...]}} where a step is a string or {@code {"headline": ..., "text": ...}} ({@code heading}, {@code
   * description}, {@code body} accepted too); or a flat {@code steps} list.
   */
  static List<StepRow> jsonArticle(int fileIndex, JsonNode o, String where) {
    if (!o.isObject()) throw new IllegalArgumentException("expected a JSON object (one article per line)");
    String title = text(o, "title");
    if (title == null) throw new IllegalArgumentException("article has no \"title\"");
    String category = null;
    for (String k : List.of("category", "categories", "category_path")) {
      JsonNode c = o.get(k);
      if (c == null || c.isNull()) continue;
      if (c.isArray()) {
        List<String> parts = new ArrayList<>();
        c.forEach(x -> parts.add(x.asText()));
        category = String.join(" > ", parts);
      } else category = c.asText();
      break;
    }
    String intro = firstText(o, "intro", "overview", "introduction", "description", "summary");
    List<StepRow> out = new ArrayList<>();
    JsonNode sections = null;
    for (String k : List.of("methods", "parts", "sections")) if (o.get(k) != null && o.get(k).isArray()) sections = o.get(k);
    String key = key(fileIndex, title);
    if (sections != null) {
      for (JsonNode s : sections) {
        String name = s.isObject() ? firstText(s, "name", "title", "label", "sectionLabel") : null;
        JsonNode steps = s.isObject() ? s.get("steps") : s;
        if (steps == null || !steps.isArray()) throw new IllegalArgumentException("section \"" + name + "\" has no \"steps\" list");
        for (JsonNode st : steps) out.add(step(key, title, category, intro, name, st, where));
      }
    } else if (o.get("steps") != null && o.get("steps").isArray()) {
      for (JsonNode st : o.get("steps")) out.add(step(key, title, category, intro, null, st, where));
    } else {
      throw new IllegalArgumentException("article has no \"methods\", \"parts\", \"sections\" or \"steps\" list");
    }
    if (out.isEmpty()) out.add(new StepRow(key, title, category, intro, null, 0, "", "", false, where, title));
    return out;
  }

  private static StepRow step(String key, String title, String category, String intro, String section, JsonNode st, String where) {
    if (st.isTextual()) return new StepRow(key, title, category, intro, section, 0, "", st.asText(), false, where, title);
    String h = firstText(st, "headline", "heading", "title", "step");
    String b = firstText(st, "text", "description", "body", "paragraph");
    return new StepRow(key, title, category, intro, section, 0, nz(h), nz(b), false, where, title);
  }

  private static String firstText(JsonNode o, String... keys) {
    for (String k : keys) {
      String t = text(o, k);
      if (t != null) return t;
    }
    return null;
  }

  private static String text(JsonNode o, String k) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) return null;
    String s = v.isTextual() ? v.asText() : v.toString();
    return s.isBlank() ? null : s;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  static String oneLine(String s) {
    if (s == null) return "unknown error";
    String t = s.replaceAll("\\s+", " ").strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }
}
