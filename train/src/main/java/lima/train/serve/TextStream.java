package lima.train.serve;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Turns generated token ids into text pieces that are safe to send, for streaming and non-streaming
 * answers alike (so both give the same text). Each step decodes all ids so far (SentencePiece and
 * byte-fallback pieces only make sense in context) and sends what is new, holding back a trailing
 * incomplete UTF-8 sequence (decoded as U+FFFD) and any tail that could be the start of a stop string.
 * When a stop string appears, the text before it is sent and the stream is stopped; the stop string
 * itself is never sent (as in the OpenAI API). Not thread-safe: one per generation.
 */
public final class TextStream {
  private final Function<int[], String> decoder;
  private final List<String> stops;
  private final int longestStop;
  private int[] ids = new int[64];
  private int n;
  private String text = ""; // decoded text of ids[0..n)
  private int sent; // chars of text already returned
  private boolean stopped;

  public TextStream(Function<int[], String> decoder, List<String> stops) {
    this.decoder = decoder;
    this.stops = List.copyOf(stops);
    for (String s : stops) if (s.isEmpty()) throw new IllegalArgumentException("empty stop string");
    this.longestStop = stops.stream().mapToInt(String::length).max().orElse(0);
  }

  /** Adds a token; returns the text that became safe to send (possibly empty). */
  public String push(int id) {
    if (stopped) throw new IllegalStateException("stream already stopped at a stop string");
    if (n == ids.length) ids = Arrays.copyOf(ids, n * 2);
    ids[n++] = id;
    text = decoder.apply(Arrays.copyOf(ids, n));
    if (sent > text.length() || !text.startsWith(sentText())) {
      // Decoding changed text already sent (rare, e.g. a space merged away): keep what was sent, go on after it.
      sent = Math.min(sent, text.length());
    }
    int stopAt = firstStop();
    if (stopAt >= 0) {
      stopped = true;
      return take(stopAt);
    }
    int end = text.length();
    while (end > sent && text.charAt(end - 1) == '\uFFFD') end--; // incomplete multi-byte character
    end -= partialStopSuffix(end);
    return take(Math.max(end, sent));
  }

  /** The held-back rest, when the generation ended without a stop string. */
  public String finish() {
    if (stopped) return "";
    return take(text.length());
  }

  /** True once a stop string was seen. */
  public boolean stopped() {
    return stopped;
  }

  /** Number of tokens pushed. */
  public int tokens() {
    return n;
  }

  private String sentText() {
    return text.substring(0, Math.min(sent, text.length()));
  }

  private String take(int end) {
    String piece = text.substring(sent, end);
    sent = end;
    return piece;
  }

  private int firstStop() {
    if (stops.isEmpty()) return -1;
    int from = Math.max(0, sent - longestStop);
    int best = -1;
    for (String s : stops) {
      int i = text.indexOf(s, from);
      if (i >= 0 && (best < 0 || i < best)) best = i;
    }
    return best < 0 ? -1 : Math.max(best, sent);
  }

  /** Length of the longest tail of text[0..end) that is a proper prefix of a stop string. */
  private int partialStopSuffix(int end) {
    int best = 0;
    for (String s : stops) {
      for (int k = Math.min(s.length() - 1, end - sent); k > best; k--) {
        if (text.regionMatches(end - k, s, 0, k)) {
          best = k;
          break;
        }
      }
    }
    return best;
  }
}
