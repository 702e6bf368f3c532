package lima.core;

import java.util.Objects;

/**
 * The one channel through which library code tells the user something while it works: warnings about
 * bad records or short sources, and progress lines. Library code never prints; it calls
 * {@code Reporter.get()}. The command line installs the implementation that writes to stderr (and
 * redraws progress on a terminal); a test installs one that collects the lines. Until one is installed,
 * nothing is reported.
 */
public interface Reporter {
  /** One warning line, without the {@code warning: } prefix, e.g. {@code "a.jsonl:3: malformed JSON"}. */
  void warn(String message);

  /**
   * One progress line. {@code last} is true for the final line of a piece of work (the one that says
   * "done in ..."); a terminal implementation redraws the previous line until then.
   */
  void progress(String line, boolean last);

  /** Whether progress lines are shown at all (a terminal, or {@code -Dlima.progress=log}). */
  default boolean showsProgress() {
    return false;
  }

  /** Reports nothing: the default for library use and tests. */
  Reporter SILENT =
      new Reporter() {
        @Override
        public void warn(String message) {}

        @Override
        public void progress(String line, boolean last) {}
      };

  /** The reporter in use. */
  static Reporter get() {
    return Holder.current;
  }

  /** Installs {@code r} for the whole process and returns the one it replaces (so a test can restore it). */
  static Reporter install(Reporter r) {
    Reporter old = Holder.current;
    Holder.current = Objects.requireNonNull(r, "reporter");
    return old;
  }

  /** Holds the installed reporter (an interface cannot have a mutable static field). */
  final class Holder {
    private static volatile Reporter current = SILENT;

    private Holder() {}
  }
}
