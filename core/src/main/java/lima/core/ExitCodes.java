package lima.core;

/** Exit codes every lima command uses; documented in docs/cli.md. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** An unexpected failure (a bug, an I/O error). */
  public static final int SOFTWARE = 1;
  /** Bad command line or refused output folder. */
  public static final int USAGE = 2;
  /** Bad input data: an unreadable file, or more bad records than --max-errors allows. */
  public static final int DATA = 3;
  /** Another run holds the lock on the output folder (cron: try again later). */
  public static final int LOCKED = 75;
}
