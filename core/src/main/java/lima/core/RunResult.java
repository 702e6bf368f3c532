package lima.core;

import java.nio.file.Path;

/**
 * What every stage's run returns to the command line: whether it was up to date ({@code --if-changed}),
 * the run folder, and a shortfall when it found fewer examples than asked (exit code {@link
 * ExitCodes#PARTIAL}).
 */
public interface RunResult {
  boolean upToDate();

  Path out();

  /** One line saying what is missing ("asked for 200 articles, only 150 eligible"), or null when nothing is. */
  default String shortfall() {
    return null;
  }
}
