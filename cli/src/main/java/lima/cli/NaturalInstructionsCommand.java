package lima.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lima.curate.ni.NiCurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima curate natural-instructions}: one seeded instance per generation task. */
@Command(
    name = "natural-instructions",
    mixinStandardHelpOptions = true,
    description = {
      "Pick one seeded random instance from each Super-Natural Instructions generation task (English by default) and"
          + " sample tasks category-first. Prompt = Definition + blank line + input; response = the first output."
    })
public final class NaturalInstructionsCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Parameters(arity = "1..*", paramLabel = "TASKS_DIR", description = "The tasks/ folder of allenai/natural-instructions (or task files).")
  List<Path> dirs;

  @Option(names = "--count", defaultValue = "0", description = "Tasks to draw, category first (the mix's rule for this source), one example each; 0 = every eligible task (default ${DEFAULT-VALUE}: lima curate mix applies the quota). Fewer eligible: a warning and exit code 4.")
  int count;

  @Option(names = "--categories", split = ",", paramLabel = "NAME", description = "Task categories to keep (comma-separated; default: ${DEFAULT-VALUE}).")
  List<String> categories = NiCurator.DEFAULT_CATEGORIES;

  @Option(names = "--all-languages", description = "Keep tasks in any language (default: English input, output and instruction only).")
  boolean allLanguages;

  @Option(names = "--max-prompt-chars", defaultValue = "4000", description = "Longest prompt; longer instances are skipped (default ${DEFAULT-VALUE}).")
  int maxPromptChars;

  @Option(names = "--max-response-chars", defaultValue = "4000", description = "Longest response (default ${DEFAULT-VALUE}).")
  int maxResponseChars;

  @Option(names = "--exclude-tasks", paramLabel = "FILE", description = "Task names to leave out, one per line (e.g. splits/default/test_tasks.txt of the repository).")
  Path excludeTasks;

  @Override
  public Integer call() throws Exception {
    var exclude = excludeTasks == null ? java.util.Set.<String>of() : NiCurator.readTaskList(excludeTasks);
    var c = new NiCurator.Config(count, categories, !allLanguages, maxPromptChars, maxResponseChars, run.threads(), exclude);
    NiCurator.Result r = NiCurator.run(c, dirs, run.toRunOptions(), run.ifChanged);
    return run.report(r, () -> String.format(Locale.ROOT, "kept %,d of %,d eligible tasks (%,d tasks read) -> %s", r.kept(), r.eligible(), r.tasks(), r.out()));
  }
}
