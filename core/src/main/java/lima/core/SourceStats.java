package lima.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Table-1-style lengths per source: count and mean input/output length in characters and
 * whitespace-separated words; token counts are added by a {@link TokenCounter} when one is given.
 * The input is every user turn, the output every assistant turn, averaged per example.
 */
public final class SourceStats {

  /** Counts tokens of one utterance (no BOS/EOS); provided by the train module. */
  @FunctionalInterface
  public interface TokenCounter {
    int count(String text);
  }

  /** Running sums for one source. */
  public static final class Row {
    long count;
    double inChars, outChars, inWords, outWords, inTokens, outTokens;
    long totalTokens;

    public long count() {
      return count;
    }

    public double avgInputChars() {
      return count == 0 ? 0 : inChars / count;
    }

    public double avgOutputChars() {
      return count == 0 ? 0 : outChars / count;
    }

    public double avgInputWords() {
      return count == 0 ? 0 : inWords / count;
    }

    public double avgOutputWords() {
      return count == 0 ? 0 : outWords / count;
    }

    public double avgInputTokens() {
      return count == 0 ? 0 : inTokens / count;
    }

    public double avgOutputTokens() {
      return count == 0 ? 0 : outTokens / count;
    }

    public long totalTokens() {
      return totalTokens;
    }
  }

  private final Map<String, Row> rows = new TreeMap<>();
  private final TokenCounter tokens;

  public SourceStats(TokenCounter tokens) {
    this.tokens = tokens;
  }

  public boolean hasTokens() {
    return tokens != null;
  }

  public void add(Example e) {
    Row r = rows.computeIfAbsent(e.source().isEmpty() ? "(none)" : e.source(), k -> new Row());
    r.count++;
    var turns = e.conversations();
    for (int i = 0; i < turns.size(); i++) {
      String t = turns.get(i);
      boolean user = i % 2 == 0;
      double c = t.length();
      double w = words(t);
      if (user) {
        r.inChars += c;
        r.inWords += w;
      } else {
        r.outChars += c;
        r.outWords += w;
      }
      if (tokens != null) {
        int n = tokens.count(t);
        if (user) r.inTokens += n;
        else r.outTokens += n;
        r.totalTokens += n;
      }
    }
  }

  /** Whitespace-separated words, as the released LIMA statistics count them. */
  public static int words(String s) {
    int n = 0;
    boolean in = false;
    for (int i = 0; i < s.length(); i++) {
      boolean ws = Character.isWhitespace(s.charAt(i));
      if (!ws && !in) n++;
      in = !ws;
    }
    return n;
  }

  public Map<String, Row> rows() {
    return rows;
  }

  public long totalTokens() {
    return rows.values().stream().mapToLong(r -> r.totalTokens).sum();
  }

  /** The JSON form printed by {@code lima stats --json}. */
  public Map<String, Object> toJson() {
    Map<String, Object> sources = new TreeMap<>();
    rows.forEach(
        (name, r) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("count", r.count);
          m.put("avg_input_chars", round(r.avgInputChars()));
          m.put("avg_output_chars", round(r.avgOutputChars()));
          m.put("avg_input_words", round(r.avgInputWords()));
          m.put("avg_output_words", round(r.avgOutputWords()));
          if (tokens != null) {
            m.put("avg_input_tokens", round(r.avgInputTokens()));
            m.put("avg_output_tokens", round(r.avgOutputTokens()));
            m.put("total_tokens", r.totalTokens);
          }
          sources.put(name, m);
        });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sources", sources);
    out.put("count", rows.values().stream().mapToLong(r -> r.count).sum());
    if (tokens != null) out.put("total_tokens", totalTokens());
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 10.0) / 10.0;
  }

  /** A plain-text table. */
  public String table() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(java.util.Locale.ROOT, "%-16s %6s %9s %9s %9s %9s", "source", "n", "in_chars", "out_chars", "in_words", "out_words"));
    if (tokens != null) sb.append(String.format(java.util.Locale.ROOT, " %9s %9s", "in_tok", "out_tok"));
    sb.append('\n');
    long n = 0;
    for (var en : rows.entrySet()) {
      Row r = en.getValue();
      n += r.count;
      sb.append(String.format(java.util.Locale.ROOT, "%-16s %6d %9.1f %9.1f %9.1f %9.1f", en.getKey(), r.count, r.avgInputChars(), r.avgOutputChars(), r.avgInputWords(), r.avgOutputWords()));
      if (tokens != null) sb.append(String.format(java.util.Locale.ROOT, " %9.1f %9.1f", r.avgInputTokens(), r.avgOutputTokens()));
      sb.append('\n');
    }
    sb.append(String.format(java.util.Locale.ROOT, "%-16s %6d", "total", n));
    if (tokens != null) sb.append(String.format(java.util.Locale.ROOT, "   tokens %,d", totalTokens()));
    sb.append('\n');
    return sb.toString();
  }
}
