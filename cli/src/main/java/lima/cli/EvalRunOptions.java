package lima.cli;

import java.nio.file.Path;
import lima.core.RunDir;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The run options of the eval commands: {@link RunOptions} without {@code --threads} (judge parallelism
 * is {@code --concurrency}; the statistics are quick on one thread) and without {@code --if-changed} (a
 * re-run is cheap: the judge cache answers every request already made).
 */
public final class EvalRunOptions {
  @Mixin OutFolderOptions folder;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the bootstrap resamples, the retry jitter and the judge's sample seeds (default: ${DEFAULT-VALUE}).")
  public long seed;

  @Mixin RecordRunOptions records;

  public Path out() {
    return folder.out;
  }

  public RunDir.Options toRunOptions() {
    return new RunDir.Options(folder.out, folder.force, seed, records.maxErrors);
  }
}
