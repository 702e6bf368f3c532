package lima.curate.ni;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.Hashing;
import lima.core.Json;
import lima.core.JsonlWriter;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.UserException;
import lima.curate.diversity.CategoryFirstSampler;

/**
 * {@code lima curate natural-instructions}: one seeded random instance from each eligible
 * Super-Natural Instructions task (generation categories, English), then {@code count} tasks sampled
 * category-first. Prompt = definition + blank line + instance input; response = the first output.
 */
public final class NiCurator {
  public static final String COMMAND = "curate natural-instructions";
  public static final String SOURCE = "nlp";

  /** LIMA's "natural language generation tasks such as summarization, paraphrasing, and style transfer". */
  public static final List<String> DEFAULT_CATEGORIES =
      List.of(
          "Summarization", "Paraphrasing", "Text Simplification", "Style Transfer", "Title Generation", "Question Generation",
          "Data to Text", "Dialogue Generation", "Story Composition", "Sentence Composition", "Question Rewriting",
          "Sentence Expansion", "Sentence Compression", "Explanation", "Poem Generation", "Code to Text", "Text Completion",
          "Grammar Error Correction");

  private static final Pattern TASK_FILE = Pattern.compile("^task\\d+_.*\\.json$");

  /** Configuration. */
  public record Config(int count, List<String> categories, boolean englishOnly, int maxPromptChars, int maxResponseChars, int threads, java.util.Set<String> exclude) {
    public Config {
      exclude = exclude == null ? java.util.Set.of() : java.util.Set.copyOf(exclude);
      if (count < 1) throw new UserException("--count must be >= 1, got " + count);
      if (categories.isEmpty()) throw new UserException("--categories must name at least one category");
      if (maxPromptChars < 1 || maxResponseChars < 1) throw new UserException("length bounds must be >= 1");
      if (threads < 1) throw new UserException("--threads must be >= 1, got " + threads);
      categories = List.copyOf(categories);
    }

    public Config(int count, List<String> categories, boolean englishOnly, int maxPromptChars, int maxResponseChars, int threads) {
      this(count, categories, englishOnly, maxPromptChars, maxResponseChars, threads, null);
    }

    public static Config defaults() {
      return new Config(50, DEFAULT_CATEGORIES, true, 4000, 4000, 1);
    }

    Map<String, Object> describe() {
      Map<String, Object> m = new TreeMap<>();
      m.put("count", count);
      m.put("categories", categories);
      m.put("english_only", englishOnly);
      m.put("max_prompt_chars", maxPromptChars);
      m.put("max_response_chars", maxResponseChars);
      m.put("exclude", new java.util.TreeSet<>(exclude));
      return m;
    }
  }

  /** What a run did. */
  public record Result(boolean upToDate, long tasks, long eligible, long kept, Path out) {}

  /** The outcome of one task file: a chosen example with its category, a drop reason, or a read error. */
  record Outcome(Path file, String task, String category, Example example, String dropReason, String error) {}

  private NiCurator() {}

  /**
   * Task names listed in {@code file} (one per line, {@code .json} optional, {@code #} comments), e.g. the
   * repository's {@code splits/default/test_tasks.txt}, to keep the benchmark's test tasks out.
   */
  public static java.util.Set<String> readTaskList(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new UserException(file + ": no such file");
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String l : Files.readAllLines(file)) {
      String t = l.strip();
      if (t.isEmpty() || t.startsWith("#")) continue;
      out.add(t.replaceFirst("\\.json$", ""));
    }
    return out;
  }

  /** Task files under {@code dir}: every {@code *.json} (non-task names are reported, not silently skipped). */
  static List<Path> files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      if (Files.isRegularFile(dir)) return List.of(dir);
      throw new UserException(dir + ": no such folder");
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  public static Result run(Config c, List<Path> dirs, RunDir.Options options, boolean ifChanged) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path d : dirs) files.addAll(files(d));
    if (files.isEmpty()) throw new UserException(dirs + ": no *.json task files");
    String fp = RunDir.fingerprint(COMMAND, c.describe(), options.seed(), files);
    if (ifChanged && RunDir.upToDate(options.out(), fp)) return new Result(true, 0, 0, 0, options.out());
    List<String> wantedCats = c.categories().stream().map(NiCurator::norm).toList();
    try (RunDir run = RunDir.open(options)) {
      files.forEach(run::input);
      c.describe().forEach(run::config);
      List<Outcome> outcomes;
      ForkJoinPool pool = new ForkJoinPool(c.threads());
      try (Progress pr = Progress.count("natural-instructions", "tasks", files.size())) {
        long[] done = {0};
        outcomes =
            pool.submit(
                    () ->
                        files.parallelStream()
                            .map(
                                f -> {
                                  Outcome o = one(f, c, wantedCats, options.seed());
                                  synchronized (done) {
                                    pr.update(++done[0], done[0]);
                                  }
                                  return o;
                                })
                            .toList())
                .get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) throw re;
        throw new IOException(e.getCause());
      } finally {
        pool.shutdown();
      }
      // rejects and counters in file order, whatever the thread count
      Map<String, List<Outcome>> strata = new TreeMap<>();
      long tasks = 0;
      for (Outcome o : outcomes) {
        if (o.error() != null) {
          run.badRecord(o.file(), o.error(), null);
          continue;
        }
        tasks++;
        if (o.dropReason() != null) {
          run.reject(o.task(), "filter", o.dropReason(), Map.of("file", o.file().toString()));
          continue;
        }
        strata.computeIfAbsent(o.category(), k -> new ArrayList<>()).add(o);
        run.stats().inc("eligible_by_category", o.category());
      }
      if (tasks == 0 && run.badRecords() > 0)
        throw new BadInputException("no task file could be read (" + run.badRecords() + " malformed; see " + run.file(RunDir.REJECTS) + ")");
      run.stats().add("read", "task_files", files.size());
      run.stats().add("read", "tasks", tasks);
      long eligible = strata.values().stream().mapToLong(List::size).sum();
      for (List<Outcome> l : strata.values()) l.sort(Comparator.comparing(Outcome::task));
      var picks = CategoryFirstSampler.sample(strata, c.count(), Hashing.rng(options.seed(), "natural-instructions-sample"));
      long kept = 0;
      try (JsonlWriter out = run.jsonl(RunDir.EXAMPLES)) {
        for (var p : picks) {
          out.write(p.item().example());
          run.stats().inc("kept", p.stratum());
          kept++;
        }
        out.commit();
      }
      run.stats().add("output", "examples", kept);
      run.stats().note("sampling", "category-first: a category uniformly among those with tasks left, then a task; one seeded instance per task");
      if (kept < c.count()) run.stats().note("short", "asked for " + c.count() + " tasks, only " + eligible + " eligible");
      run.finish(COMMAND, List.of(RunDir.EXAMPLES), fp);
      return new Result(false, tasks, eligible, kept, options.out());
    }
  }

  /** Reads one file and decides; never throws for bad input (the error goes into the outcome). */
  static Outcome one(Path f, Config c, List<String> wantedCats, long seed) {
    String name = f.getFileName().toString().replaceFirst("\\.json$", "");
    if (!TASK_FILE.matcher(f.getFileName().toString()).matches())
      return new Outcome(f, name, null, null, null, "not a task file name (expected taskNNN_<dataset>_<type>.json)");
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(f.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      return new Outcome(f, name, null, null, null, "broken JSON at line " + (loc == null ? "?" : loc.getLineNr()) + " (" + oneLine(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      return new Outcome(f, name, null, null, null, "cannot read (" + oneLine(e.getMessage()) + ")");
    }
    if (node == null) return new Outcome(f, name, null, null, null, "empty file");
    if (c.exclude().contains(name)) return new Outcome(f, name, null, null, "excluded", null);
    NiTask t;
    try {
      t = NiTask.of(name, node);
    } catch (IllegalArgumentException e) {
      return new Outcome(f, name, null, null, null, e.getMessage());
    }
    String cat = null;
    for (String tc : t.categories()) if (wantedCats.contains(norm(tc))) {
      cat = tc;
      break;
    }
    if (cat == null) return new Outcome(f, name, null, null, "category", null);
    if (c.englishOnly() && !(english(t.inputLanguages()) && english(t.outputLanguages()) && english(t.instructionLanguages())))
      return new Outcome(f, name, cat, null, "not_english", null);
    if (t.definition() == null || t.definition().isBlank()) return new Outcome(f, name, cat, null, "no_definition", null);
    if (t.instances().isEmpty()) return new Outcome(f, name, cat, null, "no_instances", null);
    // a seeded random order over the instances; the first one that fits is the task's example
    SplittableRandom rng = Hashing.rng(seed, name);
    int n = t.instances().size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int x = order[i];
      order[i] = order[j];
      order[j] = x;
    }
    String def = t.definition().strip();
    for (int k : order) {
      NiTask.Instance in = t.instances().get(k);
      if (in.outputs().isEmpty() || in.outputs().get(0).isBlank() || in.input().isBlank()) continue;
      String prompt = prompt(def, in.input());
      String response = in.outputs().get(0).strip();
      if (prompt.length() > c.maxPromptChars() || response.length() > c.maxResponseChars()) continue;
      Map<String, Object> meta = new TreeMap<>();
      meta.put("task", name);
      meta.put("category", cat);
      meta.put("instance_id", in.id());
      meta.put("instance_index", k);
      if (!t.license().isEmpty()) meta.put("license", t.license());
      return new Outcome(f, name, cat, Example.of("nlp/" + in.id(), SOURCE, prompt, response, meta), null, null);
    }
    return new Outcome(f, name, cat, null, "no_fitting_instance", null);
  }

  /** The prompt: the task definition, a blank line, the instance input (as the released {@code nlp} rows). */
  public static String prompt(String definition, String input) {
    return definition.strip() + "\n\n" + input.strip();
  }

  private static boolean english(List<String> langs) {
    return langs.isEmpty() || langs.stream().allMatch(l -> l.equalsIgnoreCase("English"));
  }

  static String norm(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip();
  }

  private static String oneLine(String s) {
    if (s == null) return "unknown error";
    String t = s.replaceAll("\\s+", " ").strip();
    return t.length() > 160 ? t.substring(0, 160) + "..." : t;
  }
}
