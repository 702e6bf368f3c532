package lima.core;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The output folder of one run: {@code examples.jsonl}, {@code rejects.jsonl}, {@code stats.json} and
 * {@code manifest.json}, plus whatever else the command writes.
 *
 * <p>Guarantees: a lock ({@code OUT/.lock}) keeps two runs from writing the same folder; an existing
 * non-empty folder is refused without {@code force}; every file appears complete or not at all; bad
 * records are counted, written to rejects with a reason, and stop the run only past {@code
 * maxErrors}. A run that stops early keeps its {@code rejects.jsonl} and {@code stats.json} (marked
 * {@code incomplete}) but writes no manifest.
 */
public final class RunDir implements Closeable {
  public static final String EXAMPLES = "examples.jsonl";
  public static final String REJECTS = "rejects.jsonl";
  public static final String STATS = "stats.json";
  public static final String MANIFEST = "manifest.json";
  public static final String LOCK = ".lock";

  /** How a run treats its output folder. */
  public record Options(Path out, boolean force, long seed, long maxErrors) {
    public Options {
      if (out == null) throw new UserException("--out is required");
      if (maxErrors < -1) throw new UserException("--max-errors must be -1 (no limit) or >= 0, got " + maxErrors);
    }
  }

  private final Options options;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Stats stats = new Stats();
  private final Map<String, Object> config = new TreeMap<>();
  private final List<Path> inputs = new ArrayList<>();
  private final List<Path> upstreamManifests = new ArrayList<>();
  private final Instant started = Instant.now();
  private JsonlWriter rejects;
  private long badRecords;
  private boolean finished;

  private RunDir(Options options, FileChannel ch, FileLock lock) {
    this.options = options;
    this.lockChannel = ch;
    this.lock = lock;
  }

  /** Opens (creating) the folder, takes its lock, and checks that it may be written. */
  public static RunDir open(Options o) throws IOException {
    Path out = o.out();
    if (Files.exists(out) && !Files.isDirectory(out))
      throw new UserException(out + ": --out exists and is not a folder");
    Files.createDirectories(out);
    FileChannel ch = FileChannel.open(out.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      ch.close();
      throw new UserException(
          out + ": another lima run is writing this folder (lock " + out.resolve(LOCK) + " is held)", ExitCodes.LOCKED);
    }
    RunDir run = new RunDir(o, ch, l);
    if (!o.force() && hasContent(out)) {
      run.close();
      throw new UserException(out + ": --out is not empty; use --force to overwrite it");
    }
    return run;
  }

  /** True when the folder holds anything but our lock and temporary files. */
  static boolean hasContent(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).anyMatch(n -> !n.equals(LOCK) && !(n.startsWith(".") && n.endsWith(".tmp")));
    }
  }

  /**
   * For cron: true when {@code out} holds a finished run whose manifest fingerprint equals {@code
   * fingerprint}, so re-running would redo identical work.
   */
  public static boolean upToDate(Path out, String fingerprint) {
    Path m = out.resolve(MANIFEST);
    if (!Files.isRegularFile(m)) return false;
    try {
      return fingerprint.equals(Json.MAPPER.readTree(m.toFile()).path("fingerprint").asText());
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A digest of what determines a run's outputs: the command name, the resolved configuration, the
   * seed and the sha256 of every input file.
   */
  public static String fingerprint(String command, Map<String, ?> config, long seed, List<Path> inputs) throws IOException {
    StringBuilder sb = new StringBuilder(command).append('\n').append(seed).append('\n');
    sb.append(Json.MAPPER.writeValueAsString(new TreeMap<>(config))).append('\n');
    for (Path p : expand(inputs)) sb.append(Hashing.sha256(p)).append(' ').append(p.getFileName()).append('\n');
    sb.append(BuildInfo.version()).append('\n');
    return Hashing.sha256(sb.toString());
  }

  public Path out() {
    return options.out();
  }

  public Path file(String name) {
    return options.out().resolve(name);
  }

  public long seed() {
    return options.seed();
  }

  public Stats stats() {
    return stats;
  }

  /** Records a resolved configuration value for the manifest. */
  public RunDir config(String key, Object value) {
    config.put(key, value);
    return this;
  }

  public Map<String, Object> config() {
    return config;
  }

  /** Records an input file (or folder) whose size and sha256 go into the manifest. */
  public RunDir input(Path p) {
    inputs.add(p);
    return this;
  }

  /** Records the manifest of an earlier run this one reads, so provenance chains to the raw files. */
  public RunDir upstream(Path manifest) {
    upstreamManifests.add(manifest);
    return this;
  }

  /** Opens {@code examples.jsonl} (or another JSONL output) for writing. */
  public JsonlWriter jsonl(String name) throws IOException {
    return new JsonlWriter(file(name));
  }

  /**
   * Writes one rejected record with its stage (one of the closed set {@link Stage}) and reason;
   * {@code context} holds enough to inspect it (ids, scores, a text excerpt). Callers emit rejects in
   * input order so the file is stable.
   */
  public void reject(String id, String stage, String reason, Map<String, ?> context) throws IOException {
    reject(id, Stage.of(stage), reason, context);
  }

  /** {@link #reject(String, String, String, Map)} with the stage from the closed set. */
  public void reject(String id, Stage stage, String reason, Map<String, ?> context) throws IOException {
    write(id, stage, null, reason, context);
  }

  /**
   * A record a named filter dropped: stage {@code filter}, the filter's name, the drop's reason, and its
   * evidence ({@code value}, {@code bound}) added to {@code context}. Counted in stats.json under the
   * filter's name and the reason.
   */
  public void drop(String id, String filter, Verdict.Drop drop, Map<String, ?> context) throws IOException {
    Map<String, Object> c = new TreeMap<>();
    if (context != null) c.putAll(context);
    c.putAll(drop.evidence());
    write(id, Stage.FILTER, filter, drop.reason(), c);
  }

  /** {@link #drop(String, String, Verdict.Drop, Map)} for the first drop of a filter chain. */
  public void drop(String id, ExampleFilter.Rejection r, Map<String, ?> context) throws IOException {
    drop(id, r.filter(), r.drop(), context);
  }

  private synchronized void write(String id, Stage stage, String filter, String reason, Map<String, ?> context) throws IOException {
    stats.inc(filter != null ? filter : stage.id(), reason);
    if (rejects == null) rejects = jsonl(REJECTS);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", id);
    r.put("stage", stage.id());
    if (filter != null) r.put("filter", filter);
    r.put("reason", reason);
    if (context != null && !context.isEmpty()) r.put("context", new TreeMap<>(context));
    rejects.write(r);
  }

  /**
   * A malformed input record: reported as one warning line (the first 20), counted under stage
   * {@code input}, written to rejects; throws {@link BadInputException} once more than {@code
   * maxErrors} were seen.
   */
  public synchronized void badRecord(Object where, String reason, String excerpt) throws IOException {
    badRecords++;
    if (badRecords <= 20) Reporter.get().warn(where + ": " + reason);
    if (badRecords == 21) Reporter.get().warn("more bad records; see " + file(REJECTS));
    Map<String, Object> ctx = new TreeMap<>();
    ctx.put("where", String.valueOf(where));
    ctx.put("error", reason);
    if (excerpt != null) ctx.put("excerpt", excerpt.length() > 300 ? excerpt.substring(0, 300) + "..." : excerpt);
    reject(String.valueOf(where), "input", "malformed", ctx);
    stats.inc("input", "bad_records");
    if (options.maxErrors() >= 0 && badRecords > options.maxErrors())
      throw new BadInputException(
          where + ": " + reason + " (more than --max-errors " + options.maxErrors() + " bad records; stopping)");
  }

  public synchronized long badRecords() {
    return badRecords;
  }

  /** Writes a JSON file atomically into the folder. */
  public void writeJson(String name, Object value) throws IOException {
    AtomicFiles.write(file(name), out -> Json.PRETTY.writeValue(out, value));
  }

  /**
   * Finishes the run: commits rejects (an empty file when there were none), writes stats.json and
   * manifest.json (outputs hashed), in that order, so a manifest only exists for a complete run.
   */
  public synchronized void finish(String command, List<String> outputs, String fingerprint) throws IOException {
    if (rejects == null) rejects = jsonl(REJECTS);
    rejects.commit();
    writeJson(STATS, stats.snapshot());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tool", "lima");
    m.put("version", BuildInfo.version());
    m.put("commit", BuildInfo.commit());
    m.put("command", command);
    m.put("args", Invocation.args());
    m.put("java", Map.of("version", System.getProperty("java.version"), "vendor", System.getProperty("java.vendor", "")));
    m.put("os", Map.of("name", System.getProperty("os.name"), "arch", System.getProperty("os.arch"), "version", System.getProperty("os.version")));
    m.put("seed", options.seed());
    m.put("config", config);
    m.put("inputs", describe(expand(inputs)));
    List<Path> outs = new ArrayList<>();
    for (String o : outputs) outs.add(file(o));
    outs.add(file(REJECTS));
    outs.add(file(STATS));
    m.put("outputs", describe(outs));
    m.put("counters", stats.snapshot());
    if (!upstreamManifests.isEmpty()) {
      List<Object> ups = new ArrayList<>();
      for (Path p : upstreamManifests)
        if (Files.isRegularFile(p)) ups.add(Json.MAPPER.readValue(p.toFile(), Object.class));
      m.put("upstream", ups);
    }
    m.put("started", started.toString());
    Instant end = Instant.now();
    m.put("finished", end.toString());
    m.put("seconds", (end.toEpochMilli() - started.toEpochMilli()) / 1000.0);
    if (fingerprint != null) m.put("fingerprint", fingerprint);
    writeJson(MANIFEST, m);
    finished = true;
  }

  static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(Files::isRegularFile).sorted().forEach(out::add);
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }

  private List<Map<String, Object>> describe(List<Path> files) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Path p : files) {
      if (!Files.isRegularFile(p)) continue;
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("path", p.toString());
      d.put("size", Files.size(p));
      d.put("sha256", Hashing.sha256(p));
      out.add(d);
    }
    return out;
  }

  public boolean finished() {
    return finished;
  }

  /** Releases the lock; an unfinished run's temporary files are removed. */
  @Override
  public synchronized void close() throws IOException {
    try {
      if (!finished && rejects != null) {
        // A run that stops early (too many bad records, a fatal input error) keeps what explains it:
        // rejects.jsonl and stats.json, marked incomplete. No manifest is written, so the folder never
        // passes for a finished run, and examples.jsonl (never committed) does not appear.
        rejects.commit();
        stats.note("incomplete", true);
        writeJson(STATS, stats.snapshot());
      } else if (rejects != null) {
        rejects.close();
      }
    } finally {
      try {
        lock.release();
      } finally {
        lockChannel.close();
      }
    }
  }
}
