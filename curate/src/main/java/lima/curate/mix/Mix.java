package lima.curate.mix;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Hashing;
import lima.core.Json;
import lima.core.JsonlWriter;
import lima.core.Reporter;
import lima.core.RunDir;
import lima.core.RunResult;
import lima.core.SourceStats;
import lima.core.StageDriver;
import lima.core.UserException;
import lima.curate.dedup.Clustering;
import lima.curate.dedup.ContaminationIndex;
import lima.curate.dedup.Dedup;
import lima.curate.dedup.DedupConfig;
import lima.curate.dedup.MinHasher;
import lima.curate.diversity.DiversityReport;
import lima.curate.select.RandomSelector;
import lima.curate.select.Selector;

/**
 * {@code lima curate mix}: builds train/dev/test from curated run folders by a {@link Recipe}.
 *
 * <ol>
 *   <li>Reads every entry's examples (filtered by its {@code where}).
 *   <li>Selects dev and test prompts per quota.
 *   <li>Dedups all train entries together (exact + MinHash, cross-source) and drops train examples
 *       whose prompt is a near-duplicate of a selected dev/test prompt.
 *   <li>Selects each train entry's quota from what survives, by its rule.
 *   <li>Shuffles each split with the seed (order = sha256(seed, split, id)) and writes train.jsonl,
 *       dev.jsonl, test.jsonl, DATACARD.md, diversity.json/.md, rejects, stats and a manifest that
 *       embeds every input's manifest.
 * </ol>
 */
public final class Mix {
  private Mix() {}

  public static final String TRAIN = "train.jsonl";
  public static final String DEV = "dev.jsonl";
  public static final String TEST = "test.jsonl";
  public static final String DATACARD = "DATACARD.md";

  /** How the command was asked to run. */
  public record Options(
      Path recipe, Path inputs, boolean strict, int threads, boolean ifChanged, boolean allowMissing, Path tokenizer, SourceStats.TokenCounter tokens) {
    public Options(Path recipe, Path inputs, boolean strict, int threads, boolean ifChanged) {
      this(recipe, inputs, strict, threads, ifChanged, false, null, null);
    }

    public Options(Path recipe, Path inputs, boolean strict, int threads, boolean ifChanged, boolean allowMissing) {
      this(recipe, inputs, strict, threads, ifChanged, allowMissing, null, null);
    }
  }

  /** Per entry: what was available after filtering, after dedup, and what was taken. */
  public record EntryResult(Recipe.Entry entry, String split, Path file, int read, int available, int selected) {
    public int shortBy() {
      return Math.max(0, entry.quota() - selected);
    }
  }

  public record Result(int train, int dev, int test, List<EntryResult> entries, long duplicates, long contaminated, boolean upToDate, Path out) implements RunResult {
    public List<EntryResult> shortEntries() {
      return entries.stream().filter(e -> e.shortBy() > 0).toList();
    }
  }

  public static Result run(Options o, RunDir.Options runOptions) throws IOException {
    Recipe recipe = Recipe.read(o.recipe());
    Path base = o.inputs() != null ? o.inputs() : o.recipe().toAbsolutePath().getParent();
    DedupConfig cfg = dedupConfig(recipe);
    Map<String, Object> config = new LinkedHashMap<>();
    Map<Recipe.Entry, Dedup.Input> files = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (Recipe.Entry e : all(recipe)) {
      Path p = base.resolve(e.path());
      if (!Files.exists(p)) {
        String msg = "recipe entry '" + e.name() + "': " + p + " does not exist (paths are relative to " + base + ")";
        if (!o.allowMissing()) throw new UserException(msg + "; --allow-missing skips it");
        missing.add(e.name());
        continue;
      }
      files.put(e, Dedup.resolve(p));
    }
    config.put("missing", missing);
    List<Path> fpInputs = new ArrayList<>();
    fpInputs.add(o.recipe());
    for (Dedup.Input in : new LinkedHashSet<>(files.values())) fpInputs.add(in.examples());
    config.put("recipe", Json.MAPPER.convertValue(recipe, Object.class));
    config.put("dedup", cfg.describe());
    config.put("strict", o.strict());
    if (o.tokenizer() != null) {
      config.put("tokenizer", o.tokenizer().toString());
      if (Files.isRegularFile(o.tokenizer())) fpInputs.add(o.tokenizer());
    }
    return StageDriver.run(
        new StageDriver.Spec("curate mix", config, fpInputs, List.of(TRAIN, DEV, TEST, DATACARD, "diversity.json", "diversity.md")),
        runOptions,
        o.ifChanged(),
        () -> new Result(0, 0, 0, List.of(), 0, 0, true, runOptions.out()),
        run -> {
          Set<Path> ups = new LinkedHashSet<>();
          for (Dedup.Input in : files.values()) if (in.manifest() != null && Files.isRegularFile(in.manifest())) ups.add(in.manifest());
          ups.forEach(run::upstream);
          return mix(recipe, cfg, files, o, run);
        });
  }

  static List<Recipe.Entry> all(Recipe r) {
    List<Recipe.Entry> l = new ArrayList<>(r.train());
    l.addAll(r.devEntries());
    l.addAll(r.testEntries());
    return l;
  }

  static DedupConfig dedupConfig(Recipe r) {
    DedupConfig d = DedupConfig.defaults();
    Recipe.Dedup x = r.dedup();
    if (x == null) return d;
    return new DedupConfig(
        x.threshold() != null ? x.threshold() : d.threshold(),
        x.field() != null ? DedupConfig.Field.parse(x.field()) : d.field(),
        x.keep() != null ? DedupConfig.KeepRule.parse(x.keep()) : d.keep(),
        x.numHashes() != null ? x.numHashes() : d.numHashes(),
        x.shingle() != null ? x.shingle() : d.shingle(),
        0,
        x.contaminationThreshold() != null ? x.contaminationThreshold() : d.contaminationThreshold(),
        x.verifyZ() != null ? x.verifyZ() : d.verifyZ());
  }

  private static Result mix(Recipe recipe, DedupConfig cfg, Map<Recipe.Entry, Dedup.Input> files, Options o, RunDir run)
      throws IOException {
    long seed = run.seed();
    Map<Path, List<Example>> cache = new HashMap<>();
    Map<Recipe.Entry, List<Example>> pools = new LinkedHashMap<>();
    for (Recipe.Entry e : all(recipe)) pools.put(e, List.of());
    for (var en : files.entrySet()) {
      Path f = en.getValue().examples();
      List<Example> src = cache.get(f);
      if (src == null) {
        src = new ArrayList<>();
        try (ExampleReader r = new ExampleReader(f, (file, line, reason, text) -> {
          try {
            run.badRecord(file + ":" + line, reason.replaceFirst("^.*?:\\d+: ", ""), text);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        })) {
          r.forEach(src::add);
        }
        cache.put(f, src);
      }
      List<Example> pool = new ArrayList<>();
      for (Example e : src) if (en.getKey().accepts(e.meta())) pool.add(e);
      pools.put(en.getKey(), pool);
    }
    List<EntryResult> results = new ArrayList<>();
    // dev and test first: train is decontaminated against what they finally hold
    List<Example> dev = new ArrayList<>(), test = new ArrayList<>();
    for (Recipe.Entry e : recipe.devEntries()) dev.addAll(select(e, pools.get(e), seed, "dev", files, results, pools.get(e).size()));
    for (Recipe.Entry e : recipe.testEntries()) test.addAll(select(e, pools.get(e), seed, "test", files, results, pools.get(e).size()));
    // train: dedup across every train entry, decontaminate
    List<Example> trainPool = new ArrayList<>();
    List<Recipe.Entry> owner = new ArrayList<>();
    for (Recipe.Entry e : recipe.train()) {
      for (Example x : pools.get(e)) {
        trainPool.add(x);
        owner.add(e);
      }
    }
    long duplicates = 0, contaminated = 0;
    Map<Recipe.Entry, List<Example>> survivors = new LinkedHashMap<>();
    for (Recipe.Entry e : recipe.train()) survivors.put(e, new ArrayList<>());
    try (MinHasher hasher = new MinHasher(cfg.numHashes(), cfg.shingle())) {
      ContaminationIndex index = new ContaminationIndex(hasher, cfg.contaminationCut());
      for (Example x : dev) index.add(x, DEV);
      for (Example x : test) index.add(x, TEST);
      Dedup.InMemory d = Dedup.inMemory(trainPool, cfg, hasher, index.size() == 0 ? null : index, o.threads());
      Clustering c = d.clustering();
      for (int i = 0; i < trainPool.size(); i++) {
        Example x = trainPool.get(i);
        switch (c.reason(i)) {
          case KEPT -> survivors.get(owner.get(i)).add(x);
          case CONTAMINATED -> {
            contaminated++;
            ContaminationIndex.Match m = index.match(x.prompt());
            Map<String, Object> ctx = new LinkedHashMap<>();
            ctx.put("entry", owner.get(i).name());
            if (m != null) {
              ctx.put("test_id", index.prompt(m.prompt()).id());
              ctx.put("test_file", index.prompt(m.prompt()).file());
              ctx.put("similarity", Math.round(m.similarity() * 10000) / 10000.0);
              ctx.put("method", m.method());
            }
            run.reject(x.id(), "decontaminate", "contaminated", ctx);
          }
          case EXACT_DUPLICATE, NEAR_DUPLICATE -> {
            duplicates++;
            Map<String, Object> ctx = c.explain(i);
            ctx.put("entry", owner.get(i).name());
            ctx.put("kept_entry", owner.get(c.keptOf(i)).name());
            run.reject(x.id(), "dedup", c.reason(i).label(), ctx);
          }
          case INVALID -> {}
        }
      }
    }
    List<Example> train = new ArrayList<>();
    List<EntryResult> trainResults = new ArrayList<>();
    for (Recipe.Entry e : recipe.train()) train.addAll(select(e, survivors.get(e), seed, "train", files, trainResults, pools.get(e).size()));
    trainResults.addAll(results);
    results = trainResults;
    var stats = run.stats();
    for (EntryResult r : results) {
      stats.add("mix", r.split() + "/" + r.entry().name() + "/read", r.read());
      stats.add("mix", r.split() + "/" + r.entry().name() + "/selected", r.selected());
      if (r.shortBy() > 0) stats.add("mix", r.split() + "/" + r.entry().name() + "/short_of_quota", r.shortBy());
    }
    List<String> shortfalls = new ArrayList<>();
    for (EntryResult r : results)
      if (r.shortBy() > 0)
        shortfalls.add(String.format(java.util.Locale.ROOT, "%s entry '%s' has %d of its quota %d (short by %d%s)", r.split(), r.entry().name(), r.selected(), r.entry().quota(), r.shortBy(),
            r.file() == null ? "; its input folder is missing" : ""));
    if (!shortfalls.isEmpty()) {
      stats.note("warnings", shortfalls);
      if (o.strict()) throw new BadInputException("--strict: " + String.join("; ", shortfalls));
      for (String s : shortfalls) Reporter.get().warn(s);
    }
    train = shuffle(train, seed, "train");
    dev = shuffle(dev, seed, "dev");
    test = shuffle(test, seed, "test");
    write(run, TRAIN, train);
    write(run, DEV, dev);
    write(run, TEST, test);
    stats.add("mix", "train", train.size());
    stats.add("mix", "dev", dev.size());
    stats.add("mix", "test", test.size());
    DiversityReport diversity = DiversityReport.of(train, seed, o.threads());
    diversity.write(run.out(), "train.jsonl of " + (recipe.name() == null ? "the mix" : recipe.name()));
    Result result = new Result(train.size(), dev.size(), test.size(), results, duplicates, contaminated, false, run.out());
    DataCard.write(run, recipe, o.recipe(), o.tokens(), cfg, result, train, dev, test, files, diversity, shortfalls);
    return result;
  }

  private static void write(RunDir run, String name, List<Example> examples) throws IOException {
    try (JsonlWriter w = run.jsonl(name)) {
      for (Example e : examples) w.write(e);
      w.commit();
    }
  }

  /** Order by sha256(seed, split, id): a seeded shuffle that does not depend on the input order. */
  static List<Example> shuffle(List<Example> in, long seed, String split) {
    return RandomSelector.shuffle(in, seed, split);
  }

  /**
   * Takes an entry's quota from {@code pool} (in input order) by the entry's rule: the one place where
   * the Table 1 quotas and the sampling rules ({@link Selector}) are applied.
   */
  static List<Example> select(Recipe.Entry e, List<Example> pool, long seed, String split, Map<Recipe.Entry, Dedup.Input> files, List<EntryResult> results, int read) {
    List<Example> out = e.selector().select(pool, e.quota(), seed, e.stream());
    results.add(new EntryResult(e, split, files.containsKey(e) ? files.get(e).examples() : null, read, pool.size(), out.size()));
    return out;
  }

  /** The counters of an input run's stats.json (stage -> reason -> n), or empty. */
  static Map<String, Object> upstreamStats(Path examples) {
    Path s = examples.toAbsolutePath().getParent().resolve(RunDir.STATS);
    if (!Files.isRegularFile(s)) return Map.of();
    try {
      JsonNode n = Json.MAPPER.readTree(s.toFile());
      @SuppressWarnings("unchecked")
      Map<String, Object> m = Json.MAPPER.convertValue(n, Map.class);
      return new TreeMap<>(m);
    } catch (IOException e) {
      return Map.of("unreadable", e.getMessage());
    }
  }
}
