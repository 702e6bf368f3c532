package lima.core;

import java.util.Locale;

/**
 * Progress of long work: on a terminal, one line redrawn at most twice a second with done/total,
 * rate and ETA; in logs (not a terminal), silent unless {@code -Dlima.progress=log}, which prints a
 * plain line every 30 seconds. The launcher sets {@code lima.tty} from {@code [ -t 2 ]}. Lines go
 * through the installed {@link Reporter}, which draws them.
 */
public final class Progress implements AutoCloseable {
  private final String label;
  private final String unit;
  private final long total;
  private final Reporter reporter;
  private final boolean tty;
  private final boolean log;
  private final long start = System.nanoTime();
  private long lastPrint;
  private volatile long done;
  private volatile long items;
  private volatile String detail = "";

  private Progress(String label, String unit, long total) {
    this.label = label;
    this.unit = unit;
    this.total = total;
    this.reporter = Reporter.get();
    this.tty = Boolean.getBoolean("lima.tty");
    this.log = "log".equals(System.getProperty("lima.progress"));
  }

  /** Progress over bytes (total may be -1 when unknown). */
  public static Progress bytes(String label, long totalBytes) {
    return new Progress(label, "B", totalBytes);
  }

  /** Progress over counted things, e.g. prompts or steps. */
  public static Progress count(String label, String unit, long total) {
    return new Progress(label, unit, total);
  }

  public boolean enabled() {
    return tty || log;
  }

  /** A short free-form text shown after the counts, e.g. "epoch 3 loss 1.234 812 tok/s". */
  public void detail(String text) {
    this.detail = text == null ? "" : text;
  }

  /** Sets the amount done and the number of items (rows, records) seen so far. */
  public void update(long doneNow, long itemsNow) {
    this.done = doneNow;
    this.items = itemsNow;
    if (!tty && !log) return;
    long now = System.nanoTime();
    long gap = tty ? 500_000_000L : 30_000_000_000L;
    if (now - lastPrint < gap) return;
    lastPrint = now;
    print(false);
  }

  private synchronized void print(boolean last) {
    double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    double rate = done / secs;
    StringBuilder sb = new StringBuilder();
    sb.append(label).append(": ");
    if ("B".equals(unit)) {
      sb.append(human(done));
      if (total > 0) sb.append(" / ").append(human(total));
      sb.append(String.format(Locale.ROOT, "  %s/s", human((long) rate)));
    } else {
      sb.append(String.format(Locale.ROOT, "%,d", done));
      if (total > 0) sb.append(String.format(Locale.ROOT, " / %,d", total));
      sb.append(String.format(Locale.ROOT, " %s  %.1f %s/s", unit, rate, unit));
    }
    if (items > 0 && "B".equals(unit))
      sb.append(String.format(Locale.ROOT, "  %,d rows  %,.0f rows/s", items, items / secs));
    if (!detail.isEmpty()) sb.append("  ").append(detail);
    if (total > 0 && done > 0 && !last) {
      double eta = (total - done) / Math.max(rate, 1e-9);
      sb.append(String.format(Locale.ROOT, "  %3.0f%%  ETA %s", 100.0 * done / total, duration(eta)));
    }
    if (last) sb.append(String.format(Locale.ROOT, "  done in %s", duration(secs)));
    reporter.progress(sb.toString(), last);
  }

  static String human(long bytes) {
    if (bytes < 1024) return bytes + " B";
    double v = bytes;
    String[] u = {"KB", "MB", "GB", "TB"};
    int i = -1;
    do {
      v /= 1024;
      i++;
    } while (v >= 1024 && i < u.length - 1);
    return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
  }

  static String duration(double secs) {
    long s = (long) secs;
    if (s < 60) return s + "s";
    if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }

  @Override
  public void close() {
    if (tty || log) print(true);
  }
}
