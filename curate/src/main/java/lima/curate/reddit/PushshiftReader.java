package lima.curate.reddit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongConsumer;
import lima.core.CountingInputStream;
import lima.core.Json;
import lima.core.ReadAheadInputStream;

/**
 * Streams a Pushshift dump: zstd-compressed NDJSON with a window up to 2^31 ({@code RS_*.zst}, {@code
 * RC_*.zst}, {@code <Sub>_submissions.zst}, {@code <Sub>_comments.zst}) or plain {@code .ndjson} /
 * {@code .jsonl}. Lines are split on bytes and parsed field by field with Jackson's streaming parser
 * (nested objects skipped), so memory stays constant whatever the file size.
 *
 * <p>Errors: a broken JSON line is reported with {@code file:line} and skipped; a corrupt or truncated
 * zstd stream stops that file with a named error, keeping what was read; a file whose first lines
 * are all unreadable is declared of the wrong kind and skipped.
 */
public final class PushshiftReader {
  /** Receives records. */
  @FunctionalInterface
  public interface Sink {
    void accept(RedditThing t) throws IOException;
  }

  /** Receives malformed input: where (file:line), why, and an excerpt. */
  @FunctionalInterface
  public interface BadSink {
    void bad(String where, String reason, String excerpt) throws IOException;
  }

  /** What a file holds, from its name. */
  public enum FileKind {
    SUBMISSIONS,
    COMMENTS,
    UNKNOWN
  }

  /** How many unreadable lines, with none readable before them, mark a file as not Pushshift NDJSON. */
  static final int WRONG_KIND_AFTER = 10;

  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

  private PushshiftReader() {}

  public static FileKind kindOf(Path file) {
    String n = file.getFileName().toString();
    String low = n.toLowerCase(Locale.ROOT);
    if (n.startsWith("RS_") || low.contains("_submissions") || low.startsWith("submissions")) return FileKind.SUBMISSIONS;
    if (n.startsWith("RC_") || low.contains("_comments") || low.startsWith("comments")) return FileKind.COMMENTS;
    return FileKind.UNKNOWN;
  }

  static boolean compressed(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zst");
  }

  /** Opens the decompressed byte stream of {@code file} (zstd with a 2^31 window allowed). */
  static InputStream open(InputStream raw, Path file) throws IOException {
    if (!compressed(file)) return raw;
    ZstdInputStreamNoFinalizer z = new ZstdInputStreamNoFinalizer(raw);
    z.setLongMax(31);
    // decode on a second thread while this one splits and parses lines
    return new ReadAheadInputStream(z, 1 << 20, 4, "zstd");
  }

  /** Statistics of one file read. */
  public record FileResult(long lines, long records, long bad, long decompressedBytes, boolean stopped, long skipped) {}

  /**
   * Reads {@code file}, giving each record to {@code sink}; {@code progress} receives the compressed
   * bytes read so far.
   */
  public static FileResult read(Path file, Sink sink, BadSink bad, LongConsumer progress) throws IOException {
    return read(file, null, sink, bad, progress);
  }

  /**
   * Reads {@code file}; when {@code mustContain} is given, a line that does not contain it (ASCII,
   * case-insensitive) is skipped without parsing: a subreddit name filters a month-sized dump at
   * memory-scan speed. The first {@link #WRONG_KIND_AFTER} lines are always parsed, so a file of the
   * wrong kind is still recognised.
   */
  public static FileResult read(Path file, String mustContain, Sink sink, BadSink bad, LongConsumer progress) throws IOException {
    byte[] pat = mustContain == null || mustContain.isEmpty() ? null : mustContain.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    int[] shift = pat == null ? null : shifts(pat);
    long lines = 0, records = 0, bads = 0, bytes = 0, skipped = 0;
    boolean stopped = false;
    try (InputStream raw = Files.newInputStream(file);
        CountingInputStream counted = new CountingInputStream(raw);
        InputStream in = open(new BufferedInputStream(counted, 1 << 17), file)) {
      byte[] buf = new byte[1 << 20];
      int start = 0, end = 0;
      boolean eof = false;
      while (true) {
        // find the next newline in buf[start, end)
        int nl = -1;
        for (int i = start; i < end; i++)
          if (buf[i] == '\n') {
            nl = i;
            break;
          }
        if (nl < 0) {
          if (eof) {
            if (end > start) { // a last line without newline
              lines++;
              int r = handle(file, lines, buf, start, end - start, sink, bad);
              if (r > 0) records++;
              else if (r < 0) bads++;
            }
            break;
          }
          // compact and refill (grow for very long lines)
          if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
          }
          if (end == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
          int n;
          try {
            n = in.read(buf, end, buf.length - end);
          } catch (IOException e) {
            String what = compressed(file) ? "corrupt or truncated zstd stream" : "read error";
            bad.bad(file + ":" + (lines + 1), what + " (" + oneLine(e.getMessage()) + "); stopped this file after " + lines + " lines, keeping what was read", null);
            bads++;
            stopped = true;
            break;
          }
          progress.accept(counted.count());
          if (n < 0) eof = true;
          else {
            end += n;
            bytes += n;
          }
          continue;
        }
        lines++;
        if (pat != null && lines > WRONG_KIND_AFTER && !contains(buf, start, nl, pat, shift)) {
          skipped++;
          start = nl + 1;
          continue;
        }
        int r = handle(file, lines, buf, start, nl - start, sink, bad);
        if (r > 0) records++;
        else if (r < 0) bads++;
        start = nl + 1;
        if (records == 0 && bads >= WRONG_KIND_AFTER) {
          bad.bad(file + ":" + lines, "not Pushshift NDJSON (the first " + bads + " lines are not submission/comment JSON objects); file skipped", null);
          stopped = true;
          break;
        }
      }
      progress.accept(counted.count());
    }
    return new FileResult(lines, records, bads, bytes, stopped, skipped);
  }

  /**
   * Whether buf[from, to) contains {@code lowerPat}, ASCII case-insensitively: Boyer-Moore-Horspool,
   * so a 14-letter subreddit name skips most of a line without looking at it.
   */
  static boolean contains(byte[] buf, int from, int to, byte[] lowerPat) {
    return contains(buf, from, to, lowerPat, shifts(lowerPat));
  }

  static int[] shifts(byte[] lowerPat) {
    int n = lowerPat.length;
    int[] shift = new int[256];
    java.util.Arrays.fill(shift, n);
    for (int k = 0; k < n - 1; k++) {
      int b = lowerPat[k] & 0xff;
      shift[b] = n - 1 - k;
      if (b >= 'a' && b <= 'z') shift[b - 32] = n - 1 - k;
    }
    return shift;
  }

  static boolean contains(byte[] buf, int from, int to, byte[] lowerPat, int[] shift) {
    int n = lowerPat.length;
    int i = from;
    while (i <= to - n) {
      int k = n - 1;
      while (k >= 0 && lower(buf[i + k]) == lowerPat[k]) k--;
      if (k < 0) return true;
      i += shift[buf[i + n - 1] & 0xff];
    }
    return false;
  }

  private static byte lower(byte x) {
    return x >= 'A' && x <= 'Z' ? (byte) (x + 32) : x;
  }

  /** 1 = a record, 0 = blank line, -1 = bad line (reported). */
  private static int handle(Path file, long line, byte[] buf, int off, int len, Sink sink, BadSink bad) throws IOException {
    int e = off + len;
    while (e > off && (buf[e - 1] == '\r' || buf[e - 1] == ' ')) e--;
    int s = off;
    while (s < e && (buf[s] == ' ' || buf[s] == '\t')) s++;
    if (s == e) return 0;
    RedditThing t;
    try {
      t = parse(buf, s, e - s);
    } catch (JsonProcessingException ex) {
      bad.bad(file + ":" + line, "broken JSON line (" + oneLine(ex.getOriginalMessage()) + ")", excerpt(buf, s, e - s));
      return -1;
    }
    if (t == null) {
      bad.bad(file + ":" + line, "not a Reddit submission or comment (no \"title\" or \"body\" field)", excerpt(buf, s, e - s));
      return -1;
    }
    sink.accept(t);
    return 1;
  }

  /** Parses one line; null when it is a JSON object of neither kind. */
  static RedditThing parse(byte[] buf, int off, int len) throws IOException {
    try (JsonParser p = FACTORY.createParser(buf, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new com.fasterxml.jackson.core.JsonParseException(p, "expected a JSON object");
      String id = null, subreddit = null, author = null, title = null, selftext = null, body = null, linkId = null, parentId = null;
      String distinguished = null, removedBy = null, permalink = null;
      long score = 0, created = 0;
      boolean over18 = false, stickied = false;
      JsonToken tok;
      while ((tok = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        switch (name) {
          case "id" -> id = str(p, v);
          case "subreddit" -> subreddit = str(p, v);
          case "author" -> author = str(p, v);
          case "title" -> title = str(p, v);
          case "selftext" -> selftext = str(p, v);
          case "body" -> body = str(p, v);
          case "link_id" -> linkId = str(p, v);
          case "parent_id" -> parentId = str(p, v);
          case "score" -> score = v == JsonToken.VALUE_NULL ? 0 : p.getValueAsLong(0);
          case "created_utc" -> created = v == JsonToken.VALUE_NULL ? 0 : p.getValueAsLong(0);
          case "over_18" -> over18 = v == JsonToken.VALUE_TRUE;
          case "stickied" -> stickied = v == JsonToken.VALUE_TRUE;
          case "distinguished" -> distinguished = str(p, v);
          case "removed_by_category" -> removedBy = str(p, v);
          case "permalink" -> permalink = str(p, v);
          default -> {}
        }
      }
      if (tok != JsonToken.END_OBJECT) throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + tok);
      if (p.nextToken() != null) throw new com.fasterxml.jackson.core.JsonParseException(p, "trailing content after the JSON object");
      RedditThing.Kind kind;
      if (title != null) kind = RedditThing.Kind.SUBMISSION;
      else if (body != null) kind = RedditThing.Kind.COMMENT;
      else return null;
      return new RedditThing(kind, id, subreddit, author, title, selftext, body, linkId, parentId, score, created, over18, stickied, distinguished, removedBy, permalink);
    }
  }

  private static String str(JsonParser p, JsonToken v) throws IOException {
    return v == JsonToken.VALUE_NULL ? null : p.getValueAsString();
  }

  private static String excerpt(byte[] buf, int off, int len) {
    return new String(buf, off, Math.min(len, 300), StandardCharsets.UTF_8);
  }

  static String oneLine(String s) {
    if (s == null) return "unknown error";
    String t = s.replaceAll("\\s+", " ").strip();
    return t.length() > 160 ? t.substring(0, 160) + "..." : t;
  }
}
