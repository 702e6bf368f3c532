package lima.curate.wikihow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.Hashing;
import lima.core.JsonlWriter;
import lima.core.Parallel;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.Settings;
import lima.core.RunResult;
import lima.core.StageDriver;
import lima.core.UserException;
import lima.core.Verdict;
import lima.curate.diversity.TitleClusters;
import lima.curate.select.CategoryFirstSelector;
import lima.curate.select.Selector;

/**
 * {@code lima curate wikihow}: wikiHow articles to LIMA examples. Two streaming passes over the inputs
 * keep memory bounded by the number of articles (titles only) plus the sampled articles: pass 1 indexes
 * every article (title, category, rough length), sampling picks articles category-first (or by title
 * clusters when no input has categories), pass 2 collects the rows of the picked articles only and
 * rebuilds them.
 */
public final class WikiHowCurator {
  public static final String COMMAND = "curate wikihow";
  public static final String SOURCE = "wikihow";

  /** Configuration. {@code count == 0} keeps every eligible article; negative counts are refused. */
  public record Config(int count, List<String> prune, int minChars, int maxChars, Path categoryMap, int clusters, int threads) {
    public Config {
      if (count < 0) throw new UserException("--count must be >= 0 (0: every eligible article), got " + count);
      if (minChars < 0 || maxChars < minChars) throw new UserException("bad length bounds: --min-chars " + minChars + " --max-chars " + maxChars);
      if (clusters < 1) throw new UserException("--clusters must be >= 1, got " + clusters);
      if (threads < 1) throw new UserException("--threads must be >= 1, got " + threads);
      prune = List.copyOf(prune);
    }

    public static Config defaults() {
      return new Config(0, ArticleFormatter.DEFAULT_PRUNE, 800, 20_000, null, 19, 1);
    }

    Map<String, Object> describe() {
      Map<String, Object> m = Settings.describe(this, "threads");
      m.putIfAbsent("category_map", "(shipped)");
      return m;
    }
  }

  /** What a run did; a shortfall when {@code --count} asked for more articles than were eligible. */
  public record Result(boolean upToDate, long articles, long kept, String stratifiedBy, Path out, String shortfall) implements RunResult {}

  /** The selector of {@code --count}: the one the LIMA recipe's wikihow entry uses (category first). */
  public static final CategoryFirstSelector SELECTOR = new CategoryFirstSelector("top_category|title_cluster");

  /** Its random stream: the recipe entry's, so a standalone draw and the mix's draw agree. */
  static final String STREAM = "select/wikihow";

  record Entry(String key, String title, String category, int steps, long chars, String where) {}

  private WikiHowCurator() {}

  public static Result run(Config c, List<Path> inputs, RunDir.Options options, boolean ifChanged) throws IOException {
    if (inputs.isEmpty()) throw new UserException("no input files");
    for (Path p : inputs) if (!Files.isRegularFile(p)) throw new UserException(p + ": no such file");
    WikiHowCategories categories = WikiHowCategories.load(c.categoryMap());
    ArticleFormatter formatter;
    try {
      formatter = new ArticleFormatter(c.prune());
    } catch (IllegalArgumentException e) {
      throw new UserException("--prune-sections: " + e.getMessage());
    }
    return StageDriver.run(
        new StageDriver.Spec(COMMAND, c.describe(), withMap(inputs, c)),
        options,
        ifChanged,
        () -> new Result(true, 0, 0, "", options.out(), null),
        run -> curate(c, inputs, options, categories, formatter, run));
  }

  private static Result curate(Config c, List<Path> inputs, RunDir.Options options, WikiHowCategories categories, ArticleFormatter formatter, RunDir run)
      throws IOException {
    long total = 0;
    for (Path p : inputs) total += Files.size(p);

    // pass 1: index articles
    Map<String, Entry> index = new LinkedHashMap<>();
    Map<String, long[]> est = new HashMap<>();
    long[] rowsRead = {0};
    Map<String, Set<Integer>> methods = new HashMap<>();
    Map<String, String> rawTitleOf = new HashMap<>();
    try (Progress pr = Progress.bytes("wikihow index", total)) {
      long base = 0;
      for (int f = 0; f < inputs.size(); f++) {
        Path file = inputs.get(f);
        final long b = base;
        WikiHowReader.read(
            file,
            f,
            row -> {
              rowsRead[0]++;
              if (row.packed() && row.method() > 0) {
                methods.computeIfAbsent(row.key(), k -> new HashSet<>()).add(row.method());
                rawTitleOf.putIfAbsent(row.key(), row.rawTitle());
              }
              Entry e = index.get(row.key());
              if (e == null) index.put(row.key(), new Entry(row.key(), row.title(), row.category(), 0, 0, row.where()));
              else if (e.category() == null && row.category() != null)
                index.put(row.key(), new Entry(e.key(), e.title(), row.category(), 0, 0, e.where()));
              if (row.section() == null || !pruned(c, row.section())) {
                long[] s = est.computeIfAbsent(row.key(), k -> new long[2]);
                s[0] += row.packed() ? Math.max(1, row.headline().split(",\r?\n").length) : 1;
                s[1] += row.headline().length() + row.body().length();
              }
            },
            run::badRecord,
            n -> pr.update(b + n, rowsRead[0]));
        base += Files.size(file);
      }
    }
    // wikihowAll numbers the methods of multi-method articles only: a suffix seen once is part of the title
    Set<String> singleSuffix = new HashSet<>();
    for (var m : methods.entrySet()) if (m.getValue().size() == 1) singleSuffix.add(m.getKey());
    for (String k : singleSuffix) {
      Entry e = index.remove(k);
      long[] s = est.remove(k);
      String raw = rawTitleOf.get(k);
      String nk = WikiHowReader.key(Integer.parseInt(k.substring(0, k.indexOf(':'))), raw);
      index.put(nk, new Entry(nk, raw, e.category(), 0, 0, e.where()));
      if (s != null) est.put(nk, s);
    }
    run.stats().add("read", "title_digits_kept", singleSuffix.size());
    if (index.isEmpty() && run.badRecords() > 0)
      throw new BadInputException("no wikiHow article could be read from " + inputs.size() + " file(s); " + run.badRecords() + " malformed (see " + run.file(RunDir.REJECTS) + ")");
    run.stats().add("read", "rows", rowsRead[0]);
    run.stats().add("read", "articles", index.size());

    // eligibility on the rough length of pass 1
    ArticleLengthFilter rough = new ArticleLengthFilter(c.minChars() / 2, Long.MAX_VALUE);
    ArticleLengthFilter length = new ArticleLengthFilter(c.minChars(), c.maxChars());
    List<Entry> eligible = new ArrayList<>();
    for (Entry e : index.values()) {
      long[] s = est.getOrDefault(e.key(), new long[2]);
      if (rough.test(new ArticleLengthFilter.Measured(s[0], s[1])) instanceof Verdict.Drop d) {
        Map<String, Object> cx = ctx(e);
        cx.put("estimate", true);
        run.drop(id(e.title()), rough.name(), d, cx);
        continue;
      }
      eligible.add(e);
    }

    // strata: categories if any input has them, else title clusters
    boolean hasCategories = index.values().stream().anyMatch(e -> e.category() != null);
    Map<String, String> stratumOf = new HashMap<>();
    List<Entry> candidates = new ArrayList<>();
    String stratifiedBy;
    if (hasCategories) {
      stratifiedBy = "category";
      CategoryFilter cf = new CategoryFilter(categories);
      for (Entry e : eligible) {
        if (cf.test(e.category()) instanceof Verdict.Drop d) {
          run.drop(id(e.title()), cf.name(), d, ctx(e));
          continue;
        }
        stratumOf.put(e.key(), categories.topLevel(e.category()).orElseThrow());
        candidates.add(e);
      }
      run.stats().note("stratified_by", "category: uniform over the 19 top-level wikiHow categories, then an article");
    } else {
      stratifiedBy = "title_clusters";
      List<String> titles = eligible.stream().map(e -> Titles.prompt(e.title()).substring("How to ".length())).toList();
      TitleClusters tc = TitleClusters.of(titles, c.clusters(), Hashing.rng(options.seed(), "wikihow-clusters"), 20);
      for (int i = 0; i < eligible.size(); i++) stratumOf.put(eligible.get(i).key(), tc.name(tc.cluster(i)));
      candidates.addAll(eligible);
      run.stats().note(
          "stratified_by",
          "title_clusters: no input carries categories, so articles were stratified by " + tc.k()
              + " k-means clusters of their titles (Lucene EnglishAnalyzer TF-IDF, cosine) and sampled cluster-first");
    }
    candidates.sort(java.util.Comparator.comparing(Entry::key));
    for (Entry e : candidates) run.stats().inc("strata_available", stratumOf.get(e.key()));

    // pass 2: rows of the candidate articles only
    Set<String> wanted = new HashSet<>(stratumOf.keySet());
    Map<String, List<StepRow>> rows = new HashMap<>();
    try (Progress pr = Progress.bytes("wikihow rebuild", total)) {
      long base = 0;
      for (int f = 0; f < inputs.size(); f++) {
        Path file = inputs.get(f);
        final long b = base;
        final int fileIndex = f;
        WikiHowReader.read(
            file,
            f,
            row -> {
              StepRow r = singleSuffix.contains(row.key()) ? row.withoutMethodSuffix(fileIndex) : row;
              if (wanted.contains(r.key())) rows.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            },
            (w, r, x) -> {},
            n -> pr.update(b + n, 0));
        base += Files.size(file);
      }
    }
    List<ArticleFormatter.Article> built = Parallel.map(c.threads(), candidates, e -> formatter.format(rows.getOrDefault(e.key(), List.of())));

    // every eligible article, in key order
    List<Example> examples = new ArrayList<>();
    Set<String> usedIds = new HashSet<>();
    for (int i = 0; i < candidates.size(); i++) {
      Entry e = candidates.get(i);
      ArticleFormatter.Article a = built.get(i);
      if (length.test(new ArticleLengthFilter.Measured(a.steps(), a.response().length())) instanceof Verdict.Drop d) {
        run.drop(id(e.title()), length.name(), d, ctx(e));
        continue;
      }
      Map<String, Object> meta = new TreeMap<>();
      meta.put("title", Titles.core(e.title()));
      if (e.category() != null) meta.put("category", e.category());
      meta.put(hasCategories ? "top_category" : "title_cluster", stratumOf.get(e.key()));
      meta.put("steps", a.steps());
      if (!a.pruned().isEmpty()) meta.put("pruned_sections", a.pruned());
      meta.put("input", e.where());
      // the same title in two input files: keep ids unique
      String id = id(e.title());
      for (int k = 2; !usedIds.add(id); k++) id = id(e.title()) + "-" + k;
      examples.add(Example.of(id, SOURCE, Titles.prompt(e.title()), a.response(), meta));
    }
    List<Example> chosen = c.count() > 0 ? SELECTOR.select(examples, c.count(), options.seed(), STREAM) : examples;
    try (JsonlWriter out = run.jsonl(RunDir.EXAMPLES)) {
      for (Example x : chosen) {
        out.write(x);
        run.stats().inc("kept", Selector.stratum(x, SELECTOR.strata()));
      }
      out.commit();
    }
    run.stats().add("output", "eligible", examples.size());
    run.stats().add("output", "examples", chosen.size());
    String shortfall = null;
    if (c.count() > 0 && chosen.size() < c.count()) {
      shortfall = "asked for " + c.count() + " articles, only " + examples.size() + " eligible";
      run.stats().note("short", shortfall);
    }
    return new Result(false, index.size(), chosen.size(), stratifiedBy, options.out(), shortfall);
  }

  private static List<Path> withMap(List<Path> inputs, Config c) {
    if (c.categoryMap() == null) return inputs;
    List<Path> l = new ArrayList<>(inputs);
    l.add(c.categoryMap());
    return l;
  }

  private static boolean pruned(Config c, String section) {
    String n = section.strip().toLowerCase(java.util.Locale.ROOT);
    for (String p : c.prune()) if (p.toLowerCase(java.util.Locale.ROOT).equals(n)) return true;
    return false;
  }

  private static Map<String, Object> ctx(Entry e) {
    Map<String, Object> m = new TreeMap<>();
    m.put("title", e.title());
    m.put("where", e.where());
    if (e.category() != null) m.put("category", e.category());
    return m;
  }

  /** A stable example id from the title: {@code wikihow/fold-polo-shirts}. */
  static String id(String title) {
    String t = Titles.core(title).toLowerCase(java.util.Locale.ROOT).replaceFirst("^how to ", "");
    String slug = t.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    if (slug.length() > 80) slug = slug.substring(0, 80).replaceAll("-$", "");
    return "wikihow/" + slug;
  }
}
