package lima.core;

/**
 * Exit codes every lima command uses; documented in docs/cli.md and docs/run-layout.md.
 *
 * <ul>
 *   <li>{@link #OK} 0: done, or {@code up to date} with {@code --if-changed}.
 *   <li>{@link #SOFTWARE} 1: an unexpected failure (a bug, an I/O error); {@code --stacktrace} shows where.
 *   <li>{@link #USAGE} 2: a bad command line, a missing input file, a refused output folder.
 *   <li>{@link #DATA} 3: bad input data: an unreadable file, or more malformed records than {@code --max-errors}.
 *   <li>{@link #PARTIAL} 4: the run finished and its outputs are complete and valid, but a source found fewer
 *       examples than {@code --count} asked for (one warning line says how many).
 *   <li>{@link #LOCKED} 75: another run holds the output folder's lock (cron: try again later).
 * </ul>
 */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** An unexpected failure (a bug, an I/O error). */
  public static final int SOFTWARE = 1;
  /** Bad command line or refused output folder. */
  public static final int USAGE = 2;
  /** Bad input data: an unreadable file, or more bad records than --max-errors allows. */
  public static final int DATA = 3;
  /**
   * Partial result: the run finished (outputs written, manifest complete) but found fewer examples than
   * asked for; a script that needs the full count can test for it, one that does not can accept 0 and 4.
   */
  public static final int PARTIAL = 4;
  /** Another run holds the lock on the output folder (cron: try again later). */
  public static final int LOCKED = 75;
}
