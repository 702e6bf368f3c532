package lima.cli;

import picocli.CommandLine.Option;

/** {@code --max-errors} of the run commands that read input records (curate and eval). */
public final class RecordRunOptions {
  @Option(names = "--max-errors", defaultValue = "-1", description = "Stop after this many malformed input records (-1: never; default ${DEFAULT-VALUE}).")
  public long maxErrors;
}
