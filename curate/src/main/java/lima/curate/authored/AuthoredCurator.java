package lima.curate.authored;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.JsonlWriter;
import lima.core.Reporter;
import lima.core.RunDir;
import lima.core.RunResult;
import lima.core.StageDriver;
import lima.core.UserException;
import lima.core.Verdict;

/**
 * {@code lima curate authored}: hand-written examples (LIMA JSON Lines or our Markdown layout) checked
 * by {@link AuthoredValidator} and written as {@code examples.jsonl} with source {@code authors}.
 * Invalid examples go to {@code rejects.jsonl} with file, line and reason; they count towards {@code
 * --max-errors} like malformed JSON lines.
 */
public final class AuthoredCurator {
  private AuthoredCurator() {}

  public static final String COMMAND = "curate authored";

  /** The source name of hand-written examples in the released LIMA data. */
  public static final String SOURCE = "authors";

  /** Run settings: extra template-marker patterns (regular expressions). */
  public record Config(List<String> extraMarkers) {
    public Config {
      extraMarkers = extraMarkers == null ? List.of() : List.copyOf(extraMarkers);
    }

    public Map<String, Object> describe() {
      Map<String, Object> m = new TreeMap<>();
      m.put("markers", new ArrayList<>(AuthoredValidator.DEFAULT_MARKERS));
      m.put("extra_markers", extraMarkers);
      return m;
    }
  }

  /** What a run did. */
  public record Result(boolean upToDate, long read, long kept, long rejected, Path out) implements RunResult {}

  /**
   * The input files: files as given, folders walked (sorted) for {@code .md}, {@code .markdown},
   * {@code .jsonl} and {@code .json} files other than READMEs.
   */
  public static List<Path> expand(List<Path> inputs) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile)
              .filter(f -> format(f) != null && !f.getFileName().toString().toLowerCase(Locale.ROOT).startsWith("readme"))
              .sorted()
              .forEach(files::add);
        }
      } else if (Files.isRegularFile(p)) {
        if (format(p) == null) throw new UserException(p + ": unknown kind of file (expected .md, .markdown, .jsonl or .json)");
        files.add(p);
      } else {
        throw new UserException(p + ": no such file");
      }
    }
    if (files.isEmpty()) throw new UserException("no .md or .jsonl files in " + inputs);
    return files;
  }

  /** "markdown", "jsonl", or null for other files. */
  static String format(Path f) {
    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".md") || n.endsWith(".markdown")) return "markdown";
    if (n.endsWith(".jsonl") || n.endsWith(".json")) return "jsonl";
    return null;
  }

  public static Result run(Config config, List<Path> inputs, RunDir.Options options, boolean ifChanged) throws IOException {
    List<Path> files = expand(inputs);
    AuthoredValidator validator;
    try {
      validator = new AuthoredValidator(config.extraMarkers());
    } catch (IllegalArgumentException e) {
      throw new UserException("--marker: " + e.getMessage());
    }
    return StageDriver.run(
        new StageDriver.Spec(COMMAND, config.describe(), files),
        options,
        ifChanged,
        () -> new Result(true, 0, 0, 0, options.out()),
        run -> curate(validator, files, options, run));
  }

  private static Result curate(AuthoredValidator validator, List<Path> files, RunDir.Options options, RunDir run) throws IOException {
    long read = 0;
    long kept = 0;
    long invalid = 0;
    Map<String, String> seen = new HashMap<>();
    try (JsonlWriter w = run.jsonl(RunDir.EXAMPLES)) {
      for (Path f : files) {
        List<Draft> drafts = format(f).equals("markdown") ? AuthoredMarkdownReader.read(f) : readJsonl(f, run);
        run.stats().add("read", format(f), drafts.size());
        for (Draft d : drafts) {
          read++;
          Optional<Draft.Problem> problem = validator.check(d);
          if (problem.isEmpty() && seen.containsKey(d.id()))
            problem = Optional.of(new Draft.Problem("duplicate_id", "id '" + d.id() + "' was already used at " + seen.get(d.id()), d.line()));
          if (problem.isPresent()) {
            invalid++;
            reject(run, d, problem.get(), invalid);
            if (options.maxErrors() >= 0 && invalid + run.badRecords() > options.maxErrors())
              throw new BadInputException(
                  f + ":" + problem.get().line() + ": " + problem.get().detail() + " (more than --max-errors " + options.maxErrors() + " errors; stopping)");
            continue;
          }
          seen.put(d.id(), d.where());
          w.write(toExample(d));
          kept++;
          run.stats().inc("kept", "examples");
          run.stats().inc("kept", d.turns().size() > 2 ? "multi_turn" : "single_turn");
          if (d.safety()) run.stats().inc("kept", "safety");
        }
      }
      w.commit();
    }
    return new Result(false, read, kept, invalid, options.out());
  }

  private static void reject(RunDir run, Draft d, Draft.Problem p, long n) throws IOException {
    if (n <= 20) Reporter.get().warn(d.file() + ":" + p.line() + ": " + p.reason() + ": " + p.detail());
    if (n == 21) Reporter.get().warn("more invalid examples; see " + run.file(RunDir.REJECTS));
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put("file", d.file().toString());
    ctx.put("line", p.line());
    ctx.put("example_line", d.line());
    ctx.put("detail", p.detail());
    ctx.put("turns", d.turns().size());
    if (!d.turns().isEmpty()) {
      String first = d.turns().get(0).text();
      ctx.put("prompt", first.length() > 200 ? first.substring(0, 200) + "..." : first);
    }
    run.drop(d.id(), AuthoredValidator.NAME, new Verdict.Drop(p.reason(), null, null), ctx);
  }

  /** A valid draft as an example: source, turns, and meta with file, line, format, safety and tags. */
  static Example toExample(Draft d) {
    Map<String, Object> meta = new LinkedHashMap<>(d.meta());
    meta.put("file", d.file().toString());
    meta.put("line", d.line());
    meta.put("format", d.format());
    meta.put("safety", d.safety());
    if (!d.tags().isEmpty()) meta.put("tags", d.tags());
    List<String> turns = new ArrayList<>();
    for (Draft.Turn t : d.turns()) turns.add(t.text());
    return new Example(d.id(), d.source(), turns, meta);
  }

  /**
   * Reads LIMA/our JSON Lines; broken lines become bad records (rejects, --max-errors). Lines are read
   * here, one at a time, so that each example keeps its own line number.
   */
  static List<Draft> readJsonl(Path f, RunDir run) throws IOException {
    List<Draft> out = new ArrayList<>();
    var decoder =
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
    try (ExampleReader parser = new ExampleReader(f);
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(f), decoder), 1 << 16)) {
      String text;
      long line = 0;
      while ((text = in.readLine()) != null) {
        line++;
        if (line == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        if (text.isBlank()) continue;
        Example e;
        try {
          e = parser.parse(text, line);
        } catch (BadInputException bad) {
          String where = f + ":" + line;
          String reason = bad.getMessage();
          run.badRecord(where, reason.startsWith(where + ": ") ? reason.substring(where.length() + 2) : reason, text);
          continue;
        }
        out.add(fromExample(f, line, e));
      }
    }
    return out;
  }

  /** Turns alternate by position (user first); {@code meta.safety} and {@code meta.tags} are read back. */
  static Draft fromExample(Path f, long line, Example e) {
    List<Draft.Turn> turns = new ArrayList<>();
    for (int i = 0; i < e.conversations().size(); i++)
      turns.add(new Draft.Turn(i % 2 == 0 ? Draft.Role.USER : Draft.Role.ASSISTANT, e.conversations().get(i), line));
    Map<String, Object> meta = new LinkedHashMap<>(e.meta());
    Draft.Problem problem = null;
    Object s = meta.remove("safety");
    boolean safety = false;
    if (s instanceof Boolean b) safety = b;
    else if (s != null && (s.toString().equals("true") || s.toString().equals("false"))) safety = s.toString().equals("true");
    else if (s != null) problem = new Draft.Problem("bad_metadata", "meta.safety must be true or false, got " + s, line);
    Object t = meta.remove("tags");
    List<String> tags = new ArrayList<>();
    if (t instanceof List<?> l) l.forEach(x -> tags.add(String.valueOf(x)));
    else if (t != null) for (String x : t.toString().split(",")) if (!x.isBlank()) tags.add(x.strip());
    meta.remove("file");
    meta.remove("line");
    meta.remove("format");
    String source = e.source().isEmpty() ? SOURCE : e.source();
    return new Draft(f, line, e.id(), source, turns, tags, safety, meta, "jsonl", problem);
  }
}
