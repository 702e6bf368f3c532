package lima.curate.stackexchange;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleFilter;
import lima.core.Hashing;
import lima.core.Json;
import lima.core.JsonlWriter;
import lima.core.Parallel;
import lima.core.Progress;
import lima.core.ReadAheadInputStream;
import lima.core.RunDir;
import lima.core.RunResult;
import lima.core.StageDriver;
import lima.core.Stats;
import lima.curate.select.TemperatureSelector;

/**
 * {@code lima curate stackexchange}: from Stack Exchange dumps to LIMA-style question/answer pairs.
 *
 * <p>Per dump: stream Posts.xml (7z decompression on its own thread), spill questions and candidate
 * answers to partitions ({@link PartitionedJoin}), join partition by partition on {@code threads}
 * workers, run the filters, and keep passing pairs in a spill file with a small key each. Then rank
 * within each site (self-contained title first, then question score, then question id), and either
 * write every pair (sites in name order, best first) or draw {@code --per-group} pairs per group by
 * temperature sampling. Rejects are emitted partition by partition in input order; nothing depends on
 * the thread count.
 */
public final class StackExchangeCurator {
  public static final String COMMAND = "curate stackexchange";
  public static final String SOURCE = "stackexchange";
  static final String SPILL = ".stackexchange-spill.tmp";

  private final StackExchangeConfig cfg;
  private final StackExchangeMode mode;
  private final RunDir run;
  private final Stats stats;
  private final List<PairFilter> filters;
  private final List<Ranked> kept = new ArrayList<>();
  private final List<Path> pairFiles = new ArrayList<>();
  private long read;
  private final List<BadInputException> unreadable = new ArrayList<>();
  private final List<Path> unreadablePaths = new ArrayList<>();

  /** What a run did: rows read, pairs joined, pairs passing every filter, examples written. */
  public record Result(boolean upToDate, long rows, long pairs, long passed, long written, long badRecords, Path out) implements RunResult {}

  /** A passing pair's place in the ranking and in the spill. */
  record Ranked(String site, String group, boolean selfContained, int score, long questionId, int file, long offset, int length) {}

  static final Comparator<Ranked> RANK =
      Comparator.comparing(Ranked::site)
          .thenComparing(Ranked::selfContained, Comparator.reverseOrder())
          .thenComparing(Ranked::score, Comparator.reverseOrder())
          .thenComparingLong(Ranked::questionId);

  private StackExchangeCurator(StackExchangeConfig cfg, StackExchangeMode mode, RunDir run) {
    this.cfg = cfg;
    this.mode = mode;
    this.run = run;
    this.stats = run.stats();
    // --unfiltered: none of the quality or style filters; the site table still decides which exchanges count
    this.filters = mode.unfiltered() ? cfg.filters().stream().filter(f -> f.name().equals(SiteFilter.NAME)).toList() : cfg.filters();
  }

  /** The smallest answer score read as a candidate: the LIMA minimum, or any score with --unfiltered. */
  private int minScore() {
    return mode.unfiltered() ? Integer.MIN_VALUE : cfg.minScore();
  }

  /**
   * The library entry point: curates {@code inputs} into the run folder {@code options.out()}. With
   * {@code ifChanged}, returns at once (upToDate true) when the folder holds a finished run with the
   * same fingerprint.
   */
  public static Result run(StackExchangeConfig cfg, List<Path> inputs, RunDir.Options options, boolean ifChanged) throws IOException {
    return run(cfg, StackExchangeMode.PAIRS, inputs, options, ifChanged);
  }

  /** As above, in {@code mode}: the LIMA pairs, the unfiltered pairs of the quality ablation, or dialogue chains. */
  public static Result run(StackExchangeConfig cfg, StackExchangeMode mode, List<Path> inputs, RunDir.Options options, boolean ifChanged) throws IOException {
    List<DumpSource> dumps = new ArrayList<>();
    for (Path p : inputs) dumps.addAll(DumpSource.resolve(p, cfg.site()));
    if (cfg.site() != null && dumps.size() > 1)
      throw new lima.core.UserException("--site names one site, but " + dumps.size() + " dumps were given");
    return StageDriver.run(
        new StageDriver.Spec(COMMAND, describe(cfg, mode), inputs),
        options,
        ifChanged,
        () -> new Result(true, 0, 0, 0, 0, 0, options.out()),
        run -> {
          StackExchangeCurator c = new StackExchangeCurator(cfg, mode, run);
          Path spill = run.file(SPILL);
          deleteTree(spill);
          try {
            Files.createDirectories(spill);
            int opened = 0;
            for (DumpSource d : dumps) if (c.dump(d, spill)) opened++;
            if (opened == 0 && !dumps.isEmpty())
              throw new BadInputException(
                  c.unreadable.get(0).getMessage() + (dumps.size() > 1 ? " (and no other input could be read either)" : ""));
            // Unreadable dumps beside readable ones are bad records (a warning each); when none could be
            // read, the error above says it once.
            for (int i = 0; i < c.unreadable.size(); i++) {
              String m = c.unreadable.get(i).getMessage();
              Path where = c.unreadablePaths.get(i);
              run.badRecord(where, m.startsWith(where.toString()) ? m.substring(where.toString().length() + 2) : m, null);
            }
            long written = mode.dialogueMode() ? c.writeDialogues(dumps) : c.write();
            return new Result(false, c.read, c.stats.get("join", "pairs"), c.kept.size(), written, run.badRecords(), options.out());
          } finally {
            deleteTree(spill);
          }
        });
  }

  /** Reads one dump and joins it; false when it could not be opened at all. */
  private boolean dump(DumpSource d, Path spillRoot) throws IOException {
    DumpSource.Opened o;
    try {
      o = d.open();
    } catch (BadInputException e) {
      unreadable.add(e);
      unreadablePaths.add(d.path());
      stats.inc("input", "unreadable_files");
      return false;
    }
    String site = d.site();
    stats.inc("input", "files");
    int dumpIndex = (int) stats.get("input", "files") - 1;
    PartitionedJoin join = new PartitionedJoin(spillRoot.resolve("dump-" + dumpIndex), PartitionedJoin.partitionsFor(o.size()));
    try (join) {
      try (PostsReader r =
              new PostsReader(
                  new ReadAheadInputStream(o.in(), 1 << 20, 16, o.name()),
                  o.name(),
                  (where, reason, excerpt) -> run.badRecord(where, reason, reason + " | " + excerpt),
                  cfg.maxBodyChars(),
                  minScore());
          Progress progress = Progress.bytes(site, o.size())) {
        long rows = 0;
        try {
          Post p;
          while ((p = r.next()) != null) {
            if (p.isQuestion()) {
              stats.inc("input", "questions");
              // AnswerCount="0": no pair can form, so the question is counted and not spilled.
              if (p.answerCount() == 0) stats.inc("join", "no_answers");
              else join.addQuestion(p);
            } else if (p.isAnswer()) {
              stats.inc("input", "answers");
              // A candidate's Markdown is made now, on the parser's thread, which has time to spare
              // beside decompression; the join after the read then only converts questions.
              if (p.score() >= minScore()) join.addAnswer(p, QaPair.markdown(p.body()));
            } else {
              stats.inc("input", "other_post_types");
            }
            if ((++rows & 1023) == 0) progress.update(r.bytesRead(), r.rows());
          }
        } catch (PostsReader.NotWellFormed e) {
          stats.inc("input", "truncated_files");
          run.badRecord(e.where(), e.detail(), null);
        } finally {
          progress.update(r.bytesRead(), r.rows());
          stats.add("input", "rows", r.rows());
          if (r.malformed() > 0) stats.add("input", "malformed_rows", r.malformed());
          stats.add("input", "bytes", r.bytesRead());
          read += r.rows();
        }
      }
      join.finishWriting();
      joinAll(join, site, spillRoot, dumpIndex);
    }
    return true;
  }

  /** A rejected pair, held until its partition's turn to be written. */
  private record Rejected(String id, ExampleFilter.Rejection rejection, Map<String, Object> context) {}

  /** Per-partition output: rejects in input order, passing pairs. */
  private record PartitionResult(List<Rejected> rejects, List<Ranked> kept) {}

  private void joinAll(PartitionedJoin join, String site, Path spillRoot, int dumpIndex) throws IOException {
    String group = cfg.siteGroups().group(site);
    int n = join.partitions();
    ExecutorService pool = Executors.newFixedThreadPool(cfg.threads(), r -> Thread.ofPlatform().daemon().name("se-join").unstarted(r));
    Deque<Future<PartitionResult>> window = new ArrayDeque<>();
    int firstFile = pairFiles.size();
    for (int p = 0; p < n; p++) pairFiles.add(spillRoot.resolve(String.format(java.util.Locale.ROOT, "pairs-%d-%04d.jsonl", dumpIndex, p)));
    try (Progress progress = Progress.count("join " + site, "partitions", n)) {
      int next = 0, done = 0;
      while (done < n) {
        while (next < n && window.size() < cfg.threads() * 2) {
          final int p = next++;
          window.add(pool.submit(() -> joinPartition(join, p, site, group, firstFile + p)));
        }
        PartitionResult res = Parallel.get(window.removeFirst());
        for (Rejected rj : res.rejects()) run.drop(rj.id(), rj.rejection(), rj.context());
        kept.addAll(res.kept());
        progress.update(++done, done);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private PartitionResult joinPartition(PartitionedJoin join, int p, String site, String group, int fileIndex) throws IOException {
    List<Rejected> rejects = new ArrayList<>();
    List<Ranked> keep = new ArrayList<>();
    Path pairsFile = pairFiles.get(fileIndex);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(pairsFile), 1 << 16)) {
      long[] offset = {0};
      java.util.function.LongUnaryOperator randomAnswer =
          mode.unfiltered() ? answerId -> Hashing.key(run.seed(), "stackexchange/unfiltered/" + site + "/" + answerId) : null;
      join.join(
          p,
          j -> {
            Post q = j.question();
            if (j.answer() == null) {
              stats.inc("join", "no_answer_with_min_score");
              return;
            }
            stats.inc("join", "pairs");
            QaPair pair = j.answerMarkdown() == null ? new QaPair(site, q, j.answer()) : QaPair.converted(site, q, j.answer(), null, j.answerMarkdown());
            String id = exampleId(site, q.id());
            ExampleFilter.Rejection r = ExampleFilter.firstDrop(filters, pair);
            if (r != null) {
              rejects.add(new Rejected(id, r, context(pair)));
              return;
            }
            Example e = example(pair, id, group);
            byte[] line = Json.MAPPER.writeValueAsBytes(e);
            out.write(line);
            out.write('\n');
            keep.add(new Ranked(site, group, SelfContainedTitle.test(q.title()), q.score(), q.id(), fileIndex, offset[0], line.length));
            offset[0] += line.length + 1;
          },
          randomAnswer);
    }
    return new PartitionResult(rejects, keep);
  }

  static Map<String, Object> describe(StackExchangeConfig cfg, StackExchangeMode mode) {
    Map<String, Object> m = new LinkedHashMap<>(cfg.describe());
    m.putAll(mode.describe());
    return m;
  }

  /** Every passing pair of one site, as written to the spill (rank order). */
  List<Example> passed(String site) throws IOException {
    List<Example> out = new ArrayList<>();
    List<Ranked> all = new ArrayList<>();
    for (Ranked k : kept) if (k.site().equals(site)) all.add(k);
    all.sort(RANK);
    for (Ranked k : all) {
      try (FileChannel ch = FileChannel.open(pairFiles.get(k.file()), StandardOpenOption.READ)) {
        out.add(readSpilled(ch, k));
      }
    }
    return out;
  }

  /** The example of a passing pair, read back from its place in the spill ({@code ch}: its pairs file). */
  private Example readSpilled(FileChannel ch, Ranked k) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(k.length());
    long pos = k.offset();
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) throw new IOException(pairFiles.get(k.file()) + ": spill ends early");
      pos += n;
    }
    return Json.MAPPER.readValue(b.array(), Example.class);
  }

  /** --dialogues: chains from the passing pairs and the comment threads (see {@link DialogueChains}). */
  private long writeDialogues(List<DumpSource> dumps) throws IOException {
    stats.add("output", "passed", kept.size());
    return DialogueChains.write(this, dumps, mode.dialogues(), cfg, run);
  }

  static String exampleId(String site, long questionId) {
    return "se-" + site + "-" + questionId;
  }

  private static Map<String, Object> context(QaPair p) {
    Map<String, Object> c = new TreeMap<>();
    c.put("site", p.site());
    c.put("question_id", p.question().id());
    c.put("answer_id", p.answer().id());
    c.put("question_score", p.question().score());
    c.put("answer_score", p.answer().score());
    if (p.question().title() != null) c.put("title", p.question().title());
    c.put("line", p.question().line());
    return c;
  }

  private Example example(QaPair pair, String id, String group) {
    Post q = pair.question();
    Post a = pair.answer();
    String title = q.title() == null ? "" : q.title().strip();
    boolean selfContained = SelfContainedTitle.test(title);
    SplittableRandom rng = Hashing.rng(run.seed(), "stackexchange/prompt/" + pair.key());
    boolean wantTitle = rng.nextDouble() < cfg.titleFraction();
    String body = pair.questionMarkdown();
    boolean fromTitle = (wantTitle && selfContained) || body.isBlank();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("site", pair.site());
    meta.put("group", group);
    meta.put("question_id", q.id());
    meta.put("answer_id", a.id());
    meta.put("question_score", q.score());
    meta.put("answer_score", a.score());
    meta.put("accepted", q.acceptedAnswerId() == a.id());
    meta.put("prompt_from", fromTitle ? "title" : "body");
    meta.put("title", title);
    meta.put("title_self_contained", selfContained);
    meta.put("tags", q.tags());
    String license = a.license() != null ? a.license() : q.license();
    meta.put("license", license != null ? license : "CC BY-SA (version not recorded in this dump)");
    meta.put("url", "https://" + pair.site() + "/questions/" + q.id());
    if (mode.unfiltered()) meta.put("answer_choice", "random (--unfiltered: no quality or style filter)");
    return Example.of(id, SOURCE, fromTitle ? title : body, pair.answerMarkdown(), meta);
  }

  /** Ranks, samples when asked, and writes examples.jsonl; returns the number written. */
  private long write() throws IOException {
    List<Ranked> all = new ArrayList<>(kept);
    all.sort(RANK);
    Map<Ranked, Integer> siteRank = new java.util.HashMap<>();
    String lastSite = null;
    int r = 0;
    for (Ranked k : all) {
      if (!k.site().equals(lastSite)) {
        lastSite = k.site();
        r = 0;
      }
      siteRank.put(k, ++r);
    }
    stats.add("output", "passed", all.size());
    List<Ranked> chosen;
    if (cfg.perGroup() <= 0) {
      chosen = all;
    } else {
      chosen = new ArrayList<>();
      Map<String, Object> drawn = new TreeMap<>();
      for (String group : List.of(SiteGroups.STEM, SiteGroups.OTHER)) {
        Map<String, List<Ranked>> bySite = new TreeMap<>();
        for (Ranked k : all) if (k.group().equals(group)) bySite.computeIfAbsent(k.site(), s -> new ArrayList<>()).add(k);
        List<Ranked> g =
            TemperatureSelector.sample(bySite, cfg.perGroup(), cfg.tau(), Hashing.rng(run.seed(), "stackexchange/sample/" + group));
        Map<String, Integer> perSite = new TreeMap<>();
        for (Ranked k : g) perSite.merge(k.site(), 1, Integer::sum);
        drawn.put(group, perSite);
        stats.add("sample", group, g.size());
        if (g.size() < cfg.perGroup())
          stats.add("sample", group + "_shortfall", cfg.perGroup() - g.size());
        chosen.addAll(g);
      }
      stats.note("stackexchange_sample_per_site", drawn);
    }
    Map<Integer, FileChannel> channels = new TreeMap<>();
    try (JsonlWriter w = run.jsonl(RunDir.EXAMPLES)) {
      for (Ranked k : chosen) {
        FileChannel ch = channels.get(k.file());
        if (ch == null) {
          ch = FileChannel.open(pairFiles.get(k.file()), StandardOpenOption.READ);
          channels.put(k.file(), ch);
        }
        Example e = readSpilled(ch, k);
        Map<String, Object> meta = new LinkedHashMap<>(e.meta());
        meta.put("site_rank", siteRank.get(k));
        w.write(e.withMeta(meta));
      }
      w.commit();
      stats.add("output", "written", w.records());
      return w.records();
    } finally {
      for (FileChannel ch : channels.values()) ch.close();
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (var s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    }
  }
}
