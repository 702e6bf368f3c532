package lima.cli;

import java.nio.file.Path;
import lima.core.RunDir;
import picocli.CommandLine.Option;

/**
 * The run options of the eval commands: {@link RunOptions} without {@code --threads} (judge parallelism
 * is {@code --concurrency}; the statistics are quick on one thread) and without {@code --if-changed} (a
 * re-run is cheap: the judge cache answers every request already made).
 */
public final class EvalRunOptions {
  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder (refused when not empty, unless --force).")
  public Path out;

  @Option(names = "--force", description = "Overwrite an existing non-empty output folder.")
  public boolean force;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the bootstrap resamples, the retry jitter and the judge's sample seeds (default: ${DEFAULT-VALUE}).")
  public long seed;

  @Option(names = "--max-errors", defaultValue = "-1", description = "Stop after this many malformed input records (-1: never; default ${DEFAULT-VALUE}).")
  public long maxErrors;

  public RunDir.Options toRunOptions() {
    return new RunDir.Options(out, force, seed, maxErrors);
  }
}
