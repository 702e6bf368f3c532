package lima.curate.ni;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleFilter;
import lima.core.Json;
import lima.core.JsonlWriter;
import lima.core.Parallel;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.Settings;
import lima.core.RunResult;
import lima.core.StageDriver;
import lima.core.UserException;
import lima.curate.select.CategoryFirstSelector;

/**
 * {@code lima curate natural-instructions}: one seeded random instance from each eligible
 * Super-Natural Instructions task (generation categories, English); every eligible task's example, or
 * {@code count} tasks drawn by the mix's selector for this source (category-first). Prompt = definition + blank line + instance input; response = the first output.
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
      if (count < 0) throw new UserException("--count must be >= 0 (0: every eligible task), got " + count);
      if (categories.isEmpty()) throw new UserException("--categories must name at least one category");
      if (maxPromptChars < 1 || maxResponseChars < 1) throw new UserException("length bounds must be >= 1");
      if (threads < 1) throw new UserException("--threads must be >= 1, got " + threads);
      categories = List.copyOf(categories);
    }

    public Config(int count, List<String> categories, boolean englishOnly, int maxPromptChars, int maxResponseChars, int threads) {
      this(count, categories, englishOnly, maxPromptChars, maxResponseChars, threads, null);
    }

    public static Config defaults() {
      return new Config(0, DEFAULT_CATEGORIES, true, 4000, 4000, 1);
    }

    Map<String, Object> describe() {
      return Settings.describe(this, "threads");
    }
  }

  /** What a run did; a shortfall when {@code --count} asked for more tasks than were eligible. */
  public record Result(boolean upToDate, long tasks, long eligible, long kept, Path out, String shortfall) implements RunResult {}

  /** The outcome of one task file: a chosen example with its category, the filter that dropped it, or a read error. */
  record Outcome(Path file, String task, Example example, ExampleFilter.Rejection rejection, String error) {}

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

  /** The filters in the order they run (cheap checks first). */
  static List<NiFilter> filters(Config c, long seed) {
    List<NiFilter> f = new ArrayList<>();
    f.add(new ExcludedTaskFilter(c.exclude()));
    f.add(new TaskCategoryFilter(c.categories()));
    if (c.englishOnly()) f.add(new EnglishFilter());
    f.add(new DefinitionFilter());
    f.add(new FittingInstanceFilter(c.maxPromptChars(), c.maxResponseChars(), seed));
    return f;
  }

  /**
   * Reads every task file, keeps one example per task that passes the filters, and writes every eligible
   * task's example in task order; with {@code count > 0}, only {@code count} tasks chosen by {@link
   * #SELECTOR} (the selector {@code lima curate mix} applies to this source).
   */
  public static Result run(Config c, List<Path> dirs, RunDir.Options options, boolean ifChanged) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path d : dirs) files.addAll(files(d));
    if (files.isEmpty()) throw new UserException(dirs + ": no *.json task files");
    List<NiFilter> filters = filters(c, options.seed());
    return StageDriver.run(
        new StageDriver.Spec(COMMAND, c.describe(), files),
        options,
        ifChanged,
        () -> new Result(true, 0, 0, 0, options.out(), null),
        run -> {
          List<Outcome> outcomes;
          try (Progress pr = Progress.count("natural-instructions", "tasks", files.size())) {
            long[] done = {0};
            outcomes =
                Parallel.map(
                    c.threads(),
                    files,
                    f -> {
                      Outcome o = one(f, filters);
                      synchronized (done) {
                        pr.update(++done[0], done[0]);
                      }
                      return o;
                    });
          }
          // rejects and counters in file order, whatever the thread count
          List<Example> eligible = new ArrayList<>();
          long tasks = 0;
          for (Outcome o : outcomes) {
            if (o.error() != null) {
              run.badRecord(o.file(), o.error(), null);
              continue;
            }
            tasks++;
            if (o.rejection() != null) {
              run.drop(o.task(), o.rejection(), Map.of("file", o.file().toString()));
              continue;
            }
            eligible.add(o.example());
            run.stats().inc("eligible_by_category", String.valueOf(o.example().meta().get("category")));
          }
          if (tasks == 0 && run.badRecords() > 0)
            throw new BadInputException("no task file could be read (" + run.badRecords() + " malformed; see " + run.file(RunDir.REJECTS) + ")");
          run.stats().add("read", "task_files", files.size());
          run.stats().add("read", "tasks", tasks);
          eligible.sort(Comparator.comparing((Example e) -> String.valueOf(e.meta().get("task"))));
          List<Example> chosen = c.count() > 0 ? SELECTOR.select(eligible, c.count(), options.seed(), STREAM) : eligible;
          try (JsonlWriter out = run.jsonl(RunDir.EXAMPLES)) {
            for (Example e : chosen) {
              out.write(e);
              run.stats().inc("kept", String.valueOf(e.meta().get("category")));
            }
            out.commit();
          }
          run.stats().add("output", "examples", chosen.size());
          String shortfall = null;
          if (c.count() > 0) {
            run.stats().note("sampling", "--count " + c.count() + ": " + SELECTOR.name() + " over " + SELECTOR.strata() + " (the mix's rule for this source), stream " + STREAM);
            if (chosen.size() < c.count()) {
              shortfall = "asked for " + c.count() + " tasks, only " + eligible.size() + " eligible";
              run.stats().note("short", shortfall);
            }
          }
          return new Result(false, tasks, eligible.size(), chosen.size(), options.out(), shortfall);
        });
  }

  /** The selector of {@code --count}: the one the LIMA recipe's natural-instructions entry uses. */
  public static final CategoryFirstSelector SELECTOR = new CategoryFirstSelector("category");

  /** Its random stream: the recipe entry's ({@code select/natural-instructions}), so both draw alike. */
  static final String STREAM = "select/natural-instructions";

  /** Reads one file and decides; never throws for bad input (the error goes into the outcome). */
  static Outcome one(Path f, List<NiFilter> filters) {
    String name = f.getFileName().toString().replaceFirst("\\.json$", "");
    if (!TASK_FILE.matcher(f.getFileName().toString()).matches())
      return new Outcome(f, name, null, null, "not a task file name (expected taskNNN_<dataset>_<type>.json)");
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(f.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      return new Outcome(f, name, null, null, "broken JSON at line " + (loc == null ? "?" : loc.getLineNr()) + " (" + oneLine(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      return new Outcome(f, name, null, null, "cannot read (" + oneLine(e.getMessage()) + ")");
    }
    if (node == null) return new Outcome(f, name, null, null, "empty file");
    NiTask t;
    try {
      t = NiTask.of(name, node);
    } catch (IllegalArgumentException e) {
      return new Outcome(f, name, null, null, e.getMessage());
    }
    ExampleFilter.Rejection r = ExampleFilter.firstDrop(filters, t);
    if (r != null) return new Outcome(f, name, null, r, null);
    TaskCategoryFilter cats = null;
    FittingInstanceFilter fits = null;
    for (NiFilter x : filters) {
      if (x instanceof TaskCategoryFilter tc) cats = tc;
      if (x instanceof FittingInstanceFilter fi) fits = fi;
    }
    int k = fits.pick(t);
    NiTask.Instance in = t.instances().get(k);
    Map<String, Object> meta = new TreeMap<>();
    meta.put("task", name);
    meta.put("category", cats.match(t));
    meta.put("instance_id", in.id());
    meta.put("instance_index", k);
    if (!t.license().isEmpty()) meta.put("license", t.license());
    return new Outcome(f, name, Example.of("nlp/" + in.id(), SOURCE, prompt(t.definition().strip(), in.input()), in.outputs().get(0).strip(), meta), null, null);
  }

  /** The prompt: the task definition, a blank line, the instance input (as the released {@code nlp} rows). */
  public static String prompt(String definition, String input) {
    return definition.strip() + "\n\n" + input.strip();
  }

  private static String oneLine(String s) {
    if (s == null) return "unknown error";
    String t = s.replaceAll("\\s+", " ").strip();
    return t.length() > 160 ? t.substring(0, 160) + "..." : t;
  }
}
