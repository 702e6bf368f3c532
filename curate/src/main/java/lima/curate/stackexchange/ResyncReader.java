package lima.curate.stackexchange;

import java.io.IOException;
import java.io.Reader;

/**
 * The decoded characters of a Posts.xml on their way to the XML parser, with a bounded window of the
 * most recently delivered characters, so that reading can resume after a well-formedness error.
 *
 * <p>A StAX parser cannot continue after a fatal error, and it has already read ahead past the bad
 * row. On an error at absolute character {@code e} (the parser's own character offset, mapped by
 * {@link #absolute}), {@link #resync} looks in the window, and past it in the source if needed, for
 * the next line whose first non-blank text is {@code <row}; the characters from there on (window
 * remainder, then the rest of the source) are delivered again after a synthetic {@code <posts>}
 * start tag, for a fresh parser. Nothing is scanned on the error-free path: each read is copied once
 * into a ring of {@code window} characters. A line longer than the window is skipped in the source
 * without being kept.
 */
final class ResyncReader extends Reader {
  static final String PREFIX = "<posts>";
  static final int DEFAULT_WINDOW = 1 << 18;

  private final Reader src;
  private final char[] ring;
  private final int mask;
  /** Absolute position one past the last character read from the source into the ring. */
  private long filled;
  /** Absolute position of the next character to deliver (below {@link #filled} after a resync). */
  private long next;
  /** Characters of {@link #PREFIX} still to deliver before {@link #next}. */
  private int prefixLeft;
  /** Absolute position that the current parser's character offset 0 stands for (minus its prefix). */
  private long base;
  private int basePrefix;
  private boolean eof;

  /** @param window ring size in characters, rounded up to a power of two (at least 2^18) */
  ResyncReader(Reader src, int window) {
    this.src = src;
    int cap = Integer.highestOneBit(Math.max(window, 1 << 18) - 1) << 1;
    this.ring = new char[cap];
    this.mask = cap - 1;
  }

  /** Drops a leading U+FEFF (byte order mark); it is not counted as a character. */
  void skipBom() throws IOException {
    if (next == filled && !fetch()) return;
    if (ring[(int) (next & mask)] == '\uFEFF') {
      next++;
      base = next;
    }
  }

  /** The absolute position of the current parser's character offset {@code parserOffset}. */
  long absolute(long parserOffset) {
    return base + parserOffset - basePrefix;
  }

  /** Reads more of the source into the ring; false at its end. */
  private boolean fetch() throws IOException {
    if (eof) return false;
    int at = (int) (filled & mask);
    int n = src.read(ring, at, Math.min(ring.length - at, ring.length >> 2));
    if (n < 0) {
      eof = true;
      return false;
    }
    filled += n;
    return true;
  }

  @Override
  public int read(char[] cbuf, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (prefixLeft > 0) {
      int n = Math.min(len, prefixLeft);
      PREFIX.getChars(PREFIX.length() - prefixLeft, PREFIX.length() - prefixLeft + n, cbuf, off);
      prefixLeft -= n;
      return n;
    }
    if (next == filled) {
      // The usual path: decode straight into the caller's buffer, then keep a copy in the ring.
      if (eof) return -1;
      int n = src.read(cbuf, off, Math.min(len, ring.length >> 2));
      if (n < 0) {
        eof = true;
        return -1;
      }
      int at = (int) (filled & mask);
      int first = Math.min(n, ring.length - at);
      System.arraycopy(cbuf, off, ring, at, first);
      if (first < n) System.arraycopy(cbuf, off + first, ring, 0, n - first);
      filled += n;
      next = filled;
      return n;
    }
    int at = (int) (next & mask);
    int n = (int) Math.min(Math.min(len, filled - next), ring.length - at);
    System.arraycopy(ring, at, cbuf, off, n);
    next += n;
    return n;
  }

  /** The character at absolute {@code p}, reading the source as needed; -1 at its end. */
  private int charAt(long p) throws IOException {
    while (p >= filled) if (!fetch()) return -1;
    return ring[(int) (p & mask)];
  }

  /** Whether absolute {@code p} is still in the window. */
  boolean inWindow(long p) {
    return p >= filled - ring.length + (ring.length >> 2) && p <= filled;
  }

  /** Up to {@code max} characters of the line around absolute {@code p}, from the window. */
  String lineAround(long p, int max) {
    long lo = p, stop = Math.max(filled - ring.length + (ring.length >> 2), p - max / 2);
    while (lo > stop && lo > 0 && ring[(int) ((lo - 1) & mask)] != '\n') lo--;
    StringBuilder sb = new StringBuilder();
    for (long i = lo; i < filled && sb.length() < max; i++) {
      char c = ring[(int) (i & mask)];
      if (c == '\n' || c == '\r') break;
      sb.append(c);
    }
    return sb.toString().strip();
  }

  /**
   * When the parser failed on the {@code <} of a {@code <row} element that starts a line (blanks
   * before it allowed), the row before it was left open and this row may well be fine: returns the
   * start of that line, for {@link #resumeAt}, provided it lies after the current parser's start (so
   * each resync moves forward). Otherwise -1. {@code p} is the error position; Woodstox puts it at
   * the offending character or just after it, so both are tried. Only the window is looked at.
   */
  long rowLineAt(long p) {
    for (long cand = p; cand >= p - 1; cand--) {
      if (!inWindow(cand) || cand + 5 > filled || !isRowStart(cand)) continue;
      long q = cand;
      while (q > 0 && inWindow(q - 1) && (at(q - 1) == ' ' || at(q - 1) == '\t')) q--;
      if (q > 0 && !(inWindow(q - 1) && at(q - 1) == '\n')) continue;
      if (q > base) return q;
    }
    return -1;
  }

  private char at(long p) {
    return ring[(int) (p & mask)];
  }

  private boolean isRowStart(long p) {
    if (at(p) != '<' || at(p + 1) != 'r' || at(p + 2) != 'o' || at(p + 3) != 'w') return false;
    char e = at(p + 4);
    return e == ' ' || e == '\t' || e == '\r' || e == '\n' || e == '/' || e == '>';
  }

  /** Arranges for the next reads to deliver {@link #PREFIX} and then the text from absolute {@code start}. */
  void resumeAt(long start) {
    next = start;
    prefixLeft = PREFIX.length();
    base = start;
    basePrefix = PREFIX.length();
  }

  /**
   * Moves to the start of the first line after absolute position {@code from} that begins (after
   * blanks) with a {@code <row} element, and arranges for the next reads to deliver {@link #PREFIX}
   * and then the text from there on. Returns how many line ends lie between {@code from} and that
   * line, or -1 when the source ends first (then the next reads deliver nothing).
   */
  long resync(long from) throws IOException {
    long lines = 0;
    long p = from;
    while (true) {
      int c = charAt(p);
      if (c < 0) {
        next = filled;
        prefixLeft = 0;
        return -1;
      }
      p++;
      if (c != '\n') continue;
      lines++;
      // At a line start: skip blanks, then look for "<row" and a name end.
      long q = p;
      int d;
      while ((d = charAt(q)) == ' ' || d == '\t') q++;
      boolean row = d == '<' && charAt(q + 1) == 'r' && charAt(q + 2) == 'o' && charAt(q + 3) == 'w';
      if (row) {
        int e = charAt(q + 4);
        row = e == ' ' || e == '\t' || e == '\r' || e == '\n' || e == '/' || e == '>';
      }
      if (row) {
        // From the line start, blanks included, so that columns stay the file's.
        resumeAt(q - p < ring.length >> 2 ? p : q);
        return lines;
      }
      p = q;
    }
  }

  @Override
  public void close() throws IOException {
    src.close();
  }
}
