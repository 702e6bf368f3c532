package lima.curate.authored;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.core.UserException;

/**
 * Reads hand-written examples from Markdown (the layout is documented in {@code
 * docs/curate-authored.md}):
 *
 * <pre>
 * # example: cover-letter-001        (optional; starts an example, several per file)
 * tags: writing, email               (optional key: value lines before the first turn)
 * safety: false
 *
 * ## User
 * Write a cover letter ...
 *
 * ## Assistant
 * Dear ...
 * </pre>
 *
 * A file without {@code # example} headings is one example, id = file name without extension; its
 * metadata lines may sit between {@code ---} lines (front matter). Turn headings are {@code ## User}
 * and {@code ## Assistant} (any case, a trailing colon allowed); inside fenced code blocks nothing is
 * a heading, so a response can show a Markdown template. Everything between two turn headings is the
 * turn, verbatim, minus leading blank lines and trailing whitespace.
 */
public final class AuthoredMarkdownReader {
  private AuthoredMarkdownReader() {}

  /** Metadata keys an example may set. */
  public static final Set<String> KEYS = Set.of("id", "tags", "safety", "source", "author", "license", "note");

  private static final Pattern EXAMPLE = Pattern.compile("#\\s+example\\b\\s*:?\\s*(.*?)\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern TURN = Pattern.compile("##\\s+(user|assistant)\\s*:?\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern KEY_VALUE = Pattern.compile("([A-Za-z_][A-Za-z0-9_-]*)\\s*:\\s*(.*?)\\s*");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

  /** Reads every example of one file, in file order. */
  public static List<Draft> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new UserException(file + ": no such file");
    var decoder =
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    String text = decoder.decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
    return parse(file, text);
  }

  /** Parses Markdown text; {@code file} names the examples and their errors. */
  public static List<Draft> parse(Path file, String text) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    Builder b = new Builder(file, stem);
    String[] lines = text.split("\r\n|\r|\n", -1);
    char fenceChar = 0;
    int fenceLen = 0;
    for (int i = 0; i < lines.length; i++) {
      long no = i + 1;
      String line = lines[i];
      if (fenceChar == 0) {
        Matcher ex = EXAMPLE.matcher(line);
        if (ex.matches()) {
          b.startExample(no, ex.group(1));
          continue;
        }
        Matcher t = TURN.matcher(line);
        if (t.matches()) {
          b.startTurn(no, t.group(1).toLowerCase(Locale.ROOT).equals("user") ? Draft.Role.USER : Draft.Role.ASSISTANT);
          continue;
        }
        if (b.turn == null) {
          b.metaLine(no, line);
          continue;
        }
      }
      // fence tracking inside turns (``` or ~~~, closed by the same character, at least as long)
      String s = line.stripLeading();
      int run = 0;
      char c = s.isEmpty() ? 0 : s.charAt(0);
      if (c == '`' || c == '~') while (run < s.length() && s.charAt(run) == c) run++;
      if (run >= 3) {
        if (fenceChar == 0) {
          fenceChar = c;
          fenceLen = run;
        } else if (c == fenceChar && run >= fenceLen && s.substring(run).isBlank()) {
          fenceChar = 0;
        }
      }
      b.turnText.append(line).append('\n');
    }
    b.finishExample();
    return b.out;
  }

  private static final class Builder {
    final Path file;
    final String stem;
    final List<Draft> out = new ArrayList<>();
    boolean open;
    boolean explicitHeader;
    long line;
    String id;
    final Map<String, Object> meta = new LinkedHashMap<>();
    final List<Draft.Turn> turns = new ArrayList<>();
    Draft.Problem problem;
    Draft.Role turn;
    long turnLine;
    final StringBuilder turnText = new StringBuilder();

    Builder(Path file, String stem) {
      this.file = file;
      this.stem = stem;
    }

    void startExample(long no, String headerId) {
      finishExample();
      open = true;
      explicitHeader = true;
      line = no;
      id = headerId.isEmpty() ? null : headerId;
      if (id != null && !ID.matcher(id).matches())
        problem("bad_metadata", "id '" + id + "' must be letters, digits and . _ : - (at most 200)", no);
    }

    void ensureOpen(long no) {
      if (open) return;
      open = true;
      line = no;
    }

    void startTurn(long no, Draft.Role role) {
      ensureOpen(no);
      finishTurn();
      turn = role;
      turnLine = no;
    }

    void metaLine(long no, String raw) {
      String s = raw.strip();
      if (s.isEmpty() || s.equals("---") || s.startsWith("<!--") && s.endsWith("-->")) return;
      ensureOpen(no);
      Matcher kv = KEY_VALUE.matcher(s);
      if (!kv.matches()) {
        problem("text_outside_turn", "text before the first '## User' heading: \"" + excerpt(s) + "\"", no);
        return;
      }
      String key = kv.group(1).toLowerCase(Locale.ROOT);
      String value = kv.group(2);
      if (!KEYS.contains(key)) {
        problem("unknown_key", "unknown key '" + key + "' (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")", no);
        return;
      }
      if (meta.containsKey(key) || key.equals("id") && id != null) {
        problem("bad_metadata", "'" + key + "' is set twice", no);
        return;
      }
      switch (key) {
        case "id" -> {
          if (!ID.matcher(value).matches()) problem("bad_metadata", "id '" + value + "' must be letters, digits and . _ : - (at most 200)", no);
          else id = value;
        }
        case "safety" -> {
          String v = value.toLowerCase(Locale.ROOT);
          if (v.equals("true") || v.equals("yes")) meta.put("safety", true);
          else if (v.equals("false") || v.equals("no")) meta.put("safety", false);
          else problem("bad_metadata", "safety must be true or false, got '" + value + "'", no);
        }
        case "tags" -> meta.put("tags", tags(value));
        default -> {
          if (value.isEmpty()) problem("bad_metadata", "'" + key + "' has no value", no);
          else meta.put(key, value);
        }
      }
    }

    static List<String> tags(String value) {
      String v = value;
      if (v.startsWith("[") && v.endsWith("]")) v = v.substring(1, v.length() - 1);
      List<String> out = new ArrayList<>();
      for (String t : v.split(",")) {
        String tag = t.strip();
        if (tag.length() >= 2 && (tag.startsWith("\"") && tag.endsWith("\"") || tag.startsWith("'") && tag.endsWith("'")))
          tag = tag.substring(1, tag.length() - 1).strip();
        if (!tag.isEmpty() && !out.contains(tag)) out.add(tag);
      }
      return out;
    }

    void problem(String reason, String detail, long no) {
      if (problem == null) problem = new Draft.Problem(reason, detail, no);
    }

    void finishTurn() {
      if (turn == null) return;
      turns.add(new Draft.Turn(turn, tidy(turnText), turnLine));
      turn = null;
      turnText.setLength(0);
    }

    void finishExample() {
      finishTurn();
      if (open) {
        @SuppressWarnings("unchecked")
        List<String> tags = (List<String>) meta.getOrDefault("tags", List.of());
        boolean safety = Boolean.TRUE.equals(meta.get("safety"));
        String source = (String) meta.getOrDefault("source", AuthoredCurator.SOURCE);
        Map<String, Object> extra = new LinkedHashMap<>();
        for (String k : List.of("author", "license", "note")) if (meta.containsKey(k)) extra.put(k, meta.get(k));
        String exampleId = id != null ? id : explicitHeader || !out.isEmpty() ? stem + "-" + line : stem;
        out.add(new Draft(file, line, exampleId, source, turns, tags, safety, extra, "markdown", problem));
      }
      open = false;
      explicitHeader = false;
      id = null;
      meta.clear();
      turns.clear();
      problem = null;
      turnText.setLength(0);
    }

    /** Drops leading blank lines and trailing whitespace. */
    static String tidy(CharSequence s) {
      String t = s.toString();
      int start = 0;
      while (true) {
        int nl = t.indexOf('\n', start);
        if (nl < 0 || !t.substring(start, nl).isBlank()) break;
        start = nl + 1;
      }
      return t.substring(start).stripTrailing();
    }

    static String excerpt(String s) {
      return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
  }
}
