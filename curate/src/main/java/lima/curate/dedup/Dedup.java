package lima.curate.dedup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.JsonlWriter;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.Parallel;
import lima.core.RunResult;
import lima.core.StageDriver;
import lima.core.UserException;

/**
 * {@code lima curate dedup}: exact and near-duplicate removal (and optional decontamination) over
 * one or more example files, streamed in two passes so memory holds only a {@link DocTable}.
 *
 * <p>Pass 1 reads lines in batches and computes, on {@code threads} workers, each record's exact
 * hash, MinHash signature and contamination match; results are stored by input position, so the
 * outcome does not depend on the thread count. Then {@link Clustering} runs. Pass 2 re-reads the
 * inputs and writes kept records to {@code examples.jsonl} and every dropped one to {@code
 * rejects.jsonl} (with its cluster, the kept record's id and the estimated similarity), in input
 * order, and {@code clusters.jsonl} lists every cluster of two or more.
 */
public final class Dedup {
  private Dedup() {}

  public static final String CLUSTERS = "clusters.jsonl";
  static final int BATCH = 2048;

  /** What a run did; {@code upToDate} when --if-changed found nothing to do. */
  public record Result(long read, long kept, long exact, long near, long contaminated, long bad, int clusters, boolean upToDate, Path out) implements RunResult {}

  /** An input examples file with the manifest of the run that wrote it (may not exist). */
  public record Input(Path examples, Path manifest) {}

  /** A run folder means its examples.jsonl; a file means itself (and a manifest.json beside it). */
  public static Input resolve(Path p) {
    if (Files.isDirectory(p)) {
      Path ex = p.resolve(RunDir.EXAMPLES);
      if (!Files.isRegularFile(ex)) throw new UserException(p + ": a run folder without " + RunDir.EXAMPLES);
      return new Input(ex, p.resolve(RunDir.MANIFEST));
    }
    if (!Files.isRegularFile(p)) throw new UserException(p + ": no such file or folder");
    Path parent = p.toAbsolutePath().getParent();
    return new Input(p, parent == null ? null : parent.resolve(RunDir.MANIFEST));
  }

  /** The signature-stage facts of one example. */
  public static DocTable.Features features(Example e, DedupConfig cfg, MinHasher hasher, ContaminationIndex index) {
    String text = cfg.field().text(e);
    int[] sig = hasher.signature(text);
    int cont = -1;
    float contSim = 0;
    if (index != null) {
      ContaminationIndex.Match m = index.match(e.prompt());
      if (m != null) {
        cont = m.prompt();
        contSim = (float) m.similarity();
      }
    }
    return new DocTable.Features(e.id(), TextNormalizer.exactHash(text), sig, DedupConfig.score(e), text.length(), cont, contSim);
  }

  /** Builds the contamination index from test/dev files (their prompts). */
  public static ContaminationIndex contaminationIndex(List<Path> files, MinHasher hasher, double threshold) throws IOException {
    ContaminationIndex idx = new ContaminationIndex(hasher, threshold);
    for (Path f : files) {
      Input in = resolve(f);
      for (Example e : ExampleReader.readAll(in.examples())) idx.add(e, in.examples().toString());
    }
    return idx;
  }

  public static Result run(DedupConfig cfg, List<Path> inputPaths, List<Path> decontaminate, RunDir.Options options, int threads, boolean ifChanged)
      throws IOException {
    if (inputPaths.isEmpty()) throw new UserException("no input files");
    List<Input> inputs = new ArrayList<>();
    for (Path p : inputPaths) inputs.add(resolve(p));
    List<Path> fpInputs = new ArrayList<>();
    for (Input i : inputs) fpInputs.add(i.examples());
    for (Path p : decontaminate) fpInputs.add(resolve(p).examples());
    Map<String, Object> config = new LinkedHashMap<>(cfg.describe());
    config.put("decontaminate", decontaminate.stream().map(Path::toString).toList());
    return StageDriver.run(
        new StageDriver.Spec(COMMAND, config, fpInputs, List.of(RunDir.EXAMPLES, CLUSTERS)),
        options,
        ifChanged,
        () -> new Result(0, 0, 0, 0, 0, 0, 0, true, options.out()),
        run -> {
          run.config("threads_do_not_change_output", true);
          for (Input i : inputs) if (i.manifest() != null && Files.isRegularFile(i.manifest())) run.upstream(i.manifest());
          try (MinHasher hasher = new MinHasher(cfg.numHashes(), cfg.shingle())) {
            ContaminationIndex index = decontaminate.isEmpty() ? null : contaminationIndex(decontaminate, hasher, cfg.contaminationCut());
            DocTable table = new DocTable(cfg.numHashes());
            signatures(inputs, cfg, hasher, index, table, run, Math.max(1, threads));
            Clustering c = Clustering.run(table, cfg);
            return write(inputs, table, c, index, run);
          }
        });
  }

  static final String COMMAND = "curate dedup";

  private record Line(String text, long no) {}

  /** The next non-blank line of an examples file (a leading BOM dropped), counting lines in {@code no[0]}; null at the end. */
  private static Line next(BufferedReader br, long[] no) throws IOException {
    String line;
    while ((line = br.readLine()) != null) {
      no[0]++;
      if (no[0] == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1);
      if (!line.isBlank()) return new Line(line, no[0]);
    }
    return null;
  }

  private record Batch(DocTable.Features[] features, String[] errors) {}

  private static void signatures(List<Input> inputs, DedupConfig cfg, MinHasher hasher, ContaminationIndex index, DocTable table, RunDir run, int threads)
      throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "dedup-signatures");
      t.setDaemon(true);
      return t;
    });
    try (Progress progress = Progress.count("dedup: signatures", "docs", -1)) {
      for (Input in : inputs) {
        ExampleReader parser;
        try (ExampleReader r = new ExampleReader(in.examples())) {
          parser = r;
        }
        Deque<Future<Batch>> pending = new ArrayDeque<>();
        Deque<List<Line>> pendingLines = new ArrayDeque<>();
        try (BufferedReader br = open(in.examples())) {
          List<Line> batch = new ArrayList<>(BATCH);
          long[] no = {0};
          for (Line line; (line = next(br, no)) != null; ) {
            batch.add(line);
            if (batch.size() == BATCH) {
              submit(pool, batch, parser, cfg, hasher, index, pending, pendingLines);
              batch = new ArrayList<>(BATCH);
              while (pending.size() > 2 * threads) drain(pending, pendingLines, table, run, in.examples());
              progress.update(table.size(), table.size());
            }
          }
          if (!batch.isEmpty()) submit(pool, batch, parser, cfg, hasher, index, pending, pendingLines);
          while (!pending.isEmpty()) drain(pending, pendingLines, table, run, in.examples());
          progress.update(table.size(), table.size());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void submit(ExecutorService pool, List<Line> batch, ExampleReader parser, DedupConfig cfg, MinHasher hasher, ContaminationIndex index,
      Deque<Future<Batch>> pending, Deque<List<Line>> pendingLines) {
    pending.add(pool.submit(() -> {
      DocTable.Features[] f = new DocTable.Features[batch.size()];
      String[] err = new String[batch.size()];
      for (int i = 0; i < f.length; i++) {
        Line l = batch.get(i);
        try {
          f[i] = features(parser.parse(l.text(), l.no()), cfg, hasher, index);
        } catch (BadInputException e) {
          err[i] = e.getMessage();
        }
      }
      return new Batch(f, err);
    }));
    pendingLines.add(batch);
  }

  private static void drain(Deque<Future<Batch>> pending, Deque<List<Line>> pendingLines, DocTable table, RunDir run, Path file) throws IOException {
    Batch b = Parallel.get(pending.removeFirst());
    List<Line> lines = pendingLines.removeFirst();
    for (int i = 0; i < b.features().length; i++) {
      if (b.errors()[i] != null) {
        table.add(null);
        run.badRecord(file + ":" + lines.get(i).no(), stripWhere(b.errors()[i]), lines.get(i).text());
      } else {
        table.add(b.features()[i]);
      }
    }
  }

  private static String stripWhere(String msg) {
    int i = msg.indexOf(": ");
    return i > 0 && msg.substring(0, i).matches(".*:\\d+") ? msg.substring(i + 2) : msg;
  }

  static BufferedReader open(Path file) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    return new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16);
  }

  private static Result write(List<Input> inputs, DocTable table, Clustering c, ContaminationIndex index, RunDir run) throws IOException {
    long kept = 0, exact = 0, near = 0, cont = 0;
    try (JsonlWriter out = run.jsonl(RunDir.EXAMPLES)) {
      int i = 0;
      for (Input in : inputs) {
        ExampleReader parser;
        try (ExampleReader r = new ExampleReader(in.examples())) {
          parser = r;
        }
        try (BufferedReader br = open(in.examples())) {
          long[] counter = {0};
          for (Line next; (next = next(br, counter)) != null; ) {
            String line = next.text();
            long no = next.no();
            int doc = i++;
            if (!table.valid(doc)) continue;
            switch (c.reason(doc)) {
              case KEPT -> {
                out.write(parser.parse(line, no));
                kept++;
              }
              case CONTAMINATED -> {
                cont++;
                ContaminationIndex.Prompt p = index.prompt(table.contaminatedBy[doc]);
                Map<String, Object> ctx = new LinkedHashMap<>();
                ctx.put("test_id", p.id());
                ctx.put("test_file", p.file());
                ctx.put("similarity", Clustering.round(table.contaminationSim[doc]));
                ctx.put("method", table.contaminationSim[doc] >= 1f ? "exact" : "minhash");
                ctx.put("file", in.examples().toString());
                ctx.put("line", no);
                run.reject(table.id(doc), "decontaminate", "contaminated", ctx);
              }
              case EXACT_DUPLICATE, NEAR_DUPLICATE -> {
                if (c.reason(doc) == Clustering.Reason.EXACT_DUPLICATE) exact++;
                else near++;
                Map<String, Object> ctx = c.explain(doc);
                ctx.put("file", in.examples().toString());
                ctx.put("line", no);
                run.reject(table.id(doc), "dedup", c.reason(doc).label(), ctx);
              }
              case INVALID -> {}
            }
          }
        }
      }
      if (i != table.size()) throw new IOException("inputs changed while dedup ran: " + i + " records on the second pass, " + table.size() + " on the first");
      out.commit();
    }
    writeClusters(table, c, run);
    var s = run.stats();
    s.add("dedup", "read", table.size());
    s.add("dedup", "kept", kept);
    s.add("dedup", "clusters", c.clusters());
    s.add("dedup", "candidate_pairs", c.candidatePairs());
    return new Result(table.size(), kept, exact, near, cont, run.badRecords(), c.clusters(), false, run.out());
  }

  /** clusters.jsonl: one line per cluster of two or more, members in input order. */
  static void writeClusters(DocTable table, Clustering c, RunDir run) throws IOException {
    int n = table.size();
    int[] count = new int[c.clusters() + 1];
    for (int i = 0; i < n; i++) if (c.cluster(i) >= 0) count[c.cluster(i) + 1]++;
    for (int i = 1; i < count.length; i++) count[i] += count[i - 1];
    int[] order = new int[count[count.length - 1]];
    int[] pos = count.clone();
    for (int i = 0; i < n; i++) if (c.cluster(i) >= 0) order[pos[c.cluster(i)]++] = i;
    try (JsonlWriter w = run.jsonl(CLUSTERS)) {
      for (int cl = 0; cl < c.clusters(); cl++) {
        List<Map<String, Object>> members = new ArrayList<>();
        String kept = null;
        for (int j = count[cl]; j < count[cl + 1]; j++) {
          int i = order[j];
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", table.id(i));
          m.put("reason", c.reason(i).label());
          m.put("similarity", Clustering.round(c.similarityToKept(i)));
          members.add(m);
          kept = table.id(c.keptOf(i));
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("cluster", cl);
        line.put("kept", kept);
        line.put("size", members.size());
        line.put("members", members);
        w.write(line);
      }
      w.commit();
    }
  }

  /** In-memory dedup of a list (the mix uses it): signatures on {@code threads} workers, then clustering. */
  public record InMemory(DocTable table, Clustering clustering) {}

  public static InMemory inMemory(List<Example> examples, DedupConfig cfg, MinHasher hasher, ContaminationIndex index, int threads) {
    DocTable.Features[] f = new DocTable.Features[examples.size()];
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<?>> fs = new ArrayList<>();
      int step = Math.max(1, (f.length + 4 * threads - 1) / (4 * Math.max(1, threads)));
      for (int start = 0; start < f.length; start += step) {
        int s = start, e = Math.min(f.length, start + step);
        fs.add(pool.submit(() -> {
          for (int i = s; i < e; i++) f[i] = features(examples.get(i), cfg, hasher, index);
        }));
      }
      for (Future<?> x : fs) x.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    DocTable t = new DocTable(cfg.numHashes());
    for (DocTable.Features x : f) t.add(x);
    return new InMemory(t, Clustering.run(t, cfg));
  }
}
