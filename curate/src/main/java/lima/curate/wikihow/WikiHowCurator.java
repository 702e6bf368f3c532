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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.Hashing;
import lima.core.JsonlWriter;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.UserException;
import lima.curate.diversity.CategoryFirstSampler;
import lima.curate.diversity.TitleClusters;

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

  /** Configuration. {@code count <= 0} keeps every eligible article. */
  public record Config(int count, List<String> prune, int minChars, int maxChars, Path categoryMap, int clusters, int threads) {
    public Config {
      if (minChars < 0 || maxChars < minChars) throw new UserException("bad length bounds: --min-chars " + minChars + " --max-chars " + maxChars);
      if (clusters < 1) throw new UserException("--clusters must be >= 1, got " + clusters);
      if (threads < 1) throw new UserException("--threads must be >= 1, got " + threads);
      prune = List.copyOf(prune);
    }

    public static Config defaults() {
      return new Config(200, ArticleFormatter.DEFAULT_PRUNE, 800, 20_000, null, 19, 1);
    }

    Map<String, Object> describe() {
      Map<String, Object> m = new TreeMap<>();
      m.put("count", count);
      m.put("prune_sections", prune);
      m.put("min_chars", minChars);
      m.put("max_chars", maxChars);
      m.put("category_map", categoryMap == null ? "(shipped)" : categoryMap.toString());
      m.put("clusters", clusters);
      return m;
    }
  }

  /** What a run did. */
  public record Result(boolean upToDate, long articles, long kept, String stratifiedBy, Path out) {}

  private record Entry(String key, String title, String category, int steps, long chars, String where) {}

  private WikiHowCurator() {}

  public static Result run(Config c, List<Path> inputs, RunDir.Options options, boolean ifChanged) throws IOException {
    if (inputs.isEmpty()) throw new UserException("no input files");
    for (Path p : inputs) if (!Files.isRegularFile(p)) throw new UserException(p + ": no such file");
    String fp = RunDir.fingerprint(COMMAND, c.describe(), options.seed(), withMap(inputs, c));
    if (ifChanged && RunDir.upToDate(options.out(), fp)) return new Result(true, 0, 0, "", options.out());
    WikiHowCategories categories = WikiHowCategories.load(c.categoryMap());
    ArticleFormatter formatter;
    try {
      formatter = new ArticleFormatter(c.prune());
    } catch (IllegalArgumentException e) {
      throw new UserException("--prune-sections: " + e.getMessage());
    }
    try (RunDir run = RunDir.open(options)) {
      for (Path p : withMap(inputs, c)) run.input(p);
      c.describe().forEach(run::config);
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
      List<Entry> eligible = new ArrayList<>();
      for (Entry e : index.values()) {
        long[] s = est.getOrDefault(e.key(), new long[2]);
        if (s[0] == 0) {
          run.reject(id(e.title()), "filter", "no_steps", Map.of("title", e.title(), "where", e.where()));
          continue;
        }
        if (s[1] < c.minChars() / 2) {
          run.reject(id(e.title()), "filter", "too_short", Map.of("title", e.title(), "where", e.where(), "chars_estimate", s[1]));
          continue;
        }
        eligible.add(e);
      }

      // strata: categories if any input has them, else title clusters
      boolean hasCategories = index.values().stream().anyMatch(e -> e.category() != null);
      Map<String, List<Entry>> strata = new TreeMap<>();
      String stratifiedBy;
      if (hasCategories) {
        stratifiedBy = "category";
        for (Entry e : eligible) {
          Optional<String> top = categories.topLevel(e.category());
          if (top.isEmpty()) {
            run.reject(id(e.title()), "filter", e.category() == null ? "no_category" : "unknown_category", ctx(e));
            continue;
          }
          strata.computeIfAbsent(top.get(), k -> new ArrayList<>()).add(e);
        }
        run.stats().note("stratified_by", "category: uniform over the 19 top-level wikiHow categories, then an article");
      } else {
        stratifiedBy = "title_clusters";
        List<String> titles = eligible.stream().map(e -> Titles.prompt(e.title()).substring("How to ".length())).toList();
        TitleClusters tc = TitleClusters.of(titles, c.clusters(), Hashing.rng(options.seed(), "wikihow-clusters"), 20);
        for (int i = 0; i < eligible.size(); i++) strata.computeIfAbsent(tc.name(tc.cluster(i)), k -> new ArrayList<>()).add(eligible.get(i));
        run.stats().note(
            "stratified_by",
            "title_clusters: no input carries categories, so articles were stratified by " + tc.k()
                + " k-means clusters of their titles (Lucene EnglishAnalyzer TF-IDF, cosine) and sampled cluster-first");
      }
      for (var s : strata.entrySet()) s.getValue().sort(java.util.Comparator.comparing(Entry::key));
      strata.forEach((k, v) -> run.stats().add("strata_available", k, v.size()));

      int want = c.count() <= 0 ? -1 : c.count();
      // oversample so that articles failing the final length checks can be replaced in pick order
      int draw = want < 0 ? -1 : want + want / 4 + 20;
      var picks = CategoryFirstSampler.sample(strata, draw, Hashing.rng(options.seed(), "wikihow-sample"));
      Map<String, String> stratumOf = new HashMap<>();
      Set<String> wanted = new HashSet<>();
      for (var p : picks) {
        wanted.add(p.item().key());
        stratumOf.put(p.item().key(), p.stratum());
      }

      // pass 2: rows of the picked articles only
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
      List<ArticleFormatter.Article> built;
      ForkJoinPool pool = new ForkJoinPool(c.threads());
      try {
        built = pool.submit(() -> picks.parallelStream().map(p -> formatter.format(rows.getOrDefault(p.item().key(), List.of()))).toList()).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) throw re;
        throw new IOException(e.getCause());
      } finally {
        pool.shutdown();
      }

      long kept = 0;
      Set<String> usedIds = new HashSet<>();
      try (JsonlWriter out = run.jsonl(RunDir.EXAMPLES)) {
        for (int i = 0; i < picks.size(); i++) {
          Entry e = picks.get(i).item();
          ArticleFormatter.Article a = built.get(i);
          if (want >= 0 && kept >= want) {
            run.stats().inc("sample", "unused_oversample");
            continue;
          }
          String reason = null;
          if (a.steps() == 0) reason = "no_steps";
          else if (a.response().length() < c.minChars()) reason = "too_short";
          else if (a.response().length() > c.maxChars()) reason = "too_long";
          if (reason != null) {
            Map<String, Object> cx = ctx(e);
            cx.put("chars", a.response().length());
            run.reject(id(e.title()), "filter", reason, cx);
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
          out.write(Example.of(id, SOURCE, Titles.prompt(e.title()), a.response(), meta));
          run.stats().inc("kept", stratumOf.get(e.key()));
          kept++;
        }
        out.commit();
      }
      run.stats().add("output", "examples", kept);
      if (want > 0 && kept < want) run.stats().note("short", "asked for " + want + " articles, only " + kept + " eligible");
      run.finish(COMMAND, List.of(RunDir.EXAMPLES), fp);
      return new Result(false, index.size(), kept, stratifiedBy, options.out());
    }
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
