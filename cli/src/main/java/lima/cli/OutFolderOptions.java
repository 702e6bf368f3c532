package lima.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The output folder of a run ({@code -o/--out}, {@code --force}): mixed into every run-options class. */
public final class OutFolderOptions {
  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder (refused when not empty, unless --force).")
  public Path out;

  @Option(names = "--force", description = "Overwrite an existing non-empty output folder.")
  public boolean force;
}
