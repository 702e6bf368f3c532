package lima.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lima.curate.diversity.Diversity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lima curate diversity}: a diversity report of one dataset. */
@Command(
    name = "diversity",
    mixinStandardHelpOptions = true,
    description = "Write diversity.json and diversity.md: counts per stratum, mean/min/max pairwise prompt similarity (TF-IDF), duplicate clusters.")
public final class DiversityCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Parameters(index = "0", paramLabel = "FILE", description = "examples.jsonl (or a run folder).")
  Path file;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var r = Diversity.run(file, run.toRunOptions(), run.threads(), run.ifChanged);
    var out = spec.commandLine().getOut();
    if (r == null) out.printf("up to date: %s%n", run.out());
    else out.printf("%,d examples, mean prompt similarity %.4f, %,d duplicate clusters -> %s%n", r.count(), r.meanSimilarity(), r.duplicateClusters(), run.out());
    out.flush();
    return 0;
  }
}
