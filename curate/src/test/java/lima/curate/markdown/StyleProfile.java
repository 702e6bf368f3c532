package lima.curate.markdown;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The style profile of Markdown responses: how many use emphasis, a URL, a heading, a block quote, a
 * fenced code block or a list, and how their lines are broken. One yardstick for the released LIMA
 * answers and for what {@code lima curate stackexchange} writes ({@code docs/html-to-markdown.md}
 * records the released profile and every definition below).
 *
 * <p>Every feature except the line breaks is looked for in the <em>prose</em>: the text outside
 * fenced code blocks, with code spans and TeX ({@code $...$}, {@code $$...$$}, also across lines)
 * masked, so that a {@code *} in code or a {@code _} in a formula is not emphasis and a URL in code is
 * not a link.
 *
 * <p>A tool, run by hand on any JSONL of {@code {"conversations": [prompt, response, ...],
 * "source": ...}} lines (the released files and lima's {@code examples.jsonl} share the layout):
 *
 * <pre>
 * "$(bin/find-java)" -cp curate/target/test-classes:cli/target/lima.jar lima.curate.markdown.StyleProfile \
 *     ../shared/real/data/lima/lima_train_first1000.jsonl --source stackexchange [--transitions]
 * </pre>
 *
 * @param responses how many responses were measured
 * @param emphasis responses with bold or emphasis markup ({@code **x**}, {@code *x*}, {@code __x__},
 *     {@code _x_}, {@code ***x***}), delimiters not inside a word
 * @param url responses with a URL: {@code scheme://} or {@code www.} followed by a host
 * @param heading responses with an ATX heading line ({@code #} to {@code ######} then a space or the
 *     line end, after any quote and list markers)
 * @param quote responses with a block quote line ({@code >} among the quote and list markers that
 *     open the line)
 * @param codeBlock responses with a fenced code block
 * @param list responses with a list line ({@code * }, {@code - }, {@code + }, {@code 1. }, {@code 1) })
 * @param singleBreaks line breaks between two non-blank lines, over all responses (whole text)
 * @param blankBreaks runs of blank lines between two non-blank lines, over all responses (whole text)
 * @param proseSingleBreaks as {@code singleBreaks}, with each fenced code block counted as one line
 * @param proseBlankBreaks as {@code blankBreaks}, with each fenced code block counted as one line
 */
record StyleProfile(
    int responses,
    int emphasis,
    int url,
    int heading,
    int quote,
    int codeBlock,
    int list,
    long singleBreaks,
    long blankBreaks,
    long proseSingleBreaks,
    long proseBlankBreaks) {

  private static final Pattern EMPHASIS_STAR = Pattern.compile("(?<![\\w*\\\\])(\\*{1,3})(?=[^\\s*])[^\\n]*?(?<=[^\\s*\\\\])\\1(?![\\w*])");
  private static final Pattern EMPHASIS_UNDERSCORE = Pattern.compile("(?<![\\w_\\\\])(_{1,3})(?=[^\\s_])[^\\n]*?(?<=[^\\s_\\\\])\\1(?![\\w_])");
  private static final Pattern URL = Pattern.compile("(?i)\\b(?:[a-z][a-z0-9+.-]*://|www\\.)[a-z0-9-]+");
  private static final Pattern QUOTE_PREFIX = Pattern.compile("^(?: {0,3}> ?)+");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}(?:[ \\t]|$)");
  private static final Pattern QUOTE = Pattern.compile("^ {0,3}>");
  private static final Pattern LIST = Pattern.compile("^\\s*(?:[*+-]|\\d{1,9}[.)])[ \\t]+\\S");
  private static final Pattern THEMATIC_BREAK = Pattern.compile("^\\s*(?:(?:\\*\\s*){3,}|(?:-\\s*){3,}|(?:_\\s*){3,})$");
  private static final String CODE_LINE = "\u0000code";

  /** The profile of some responses. */
  static StyleProfile of(Collection<String> responses) {
    int emphasis = 0, url = 0, heading = 0, quote = 0, code = 0, list = 0;
    long single = 0, blank = 0, proseSingle = 0, proseBlank = 0;
    for (String r : responses) {
      Features f = Features.of(r);
      if (f.emphasis) emphasis++;
      if (f.url) url++;
      if (f.heading) heading++;
      if (f.quote) quote++;
      if (f.codeBlock) code++;
      if (f.list) list++;
      single += f.singleBreaks;
      blank += f.blankBreaks;
      proseSingle += f.proseSingleBreaks;
      proseBlank += f.proseBlankBreaks;
    }
    return new StyleProfile(responses.size(), emphasis, url, heading, quote, code, list, single, blank, proseSingle, proseBlank);
  }

  /** A share of the responses, 0..1 (0 when there are none). */
  double share(int count) {
    return responses == 0 ? 0 : (double) count / responses;
  }

  /** A per-response mean (0 when there are none). */
  double perResponse(long count) {
    return responses == 0 ? 0 : (double) count / responses;
  }

  /** The profile as a Markdown table (the form docs/html-to-markdown.md records). */
  String table() {
    StringBuilder sb = new StringBuilder();
    sb.append("| feature (").append(responses).append(" responses) | responses | share |\n| --- | --- | --- |\n");
    row(sb, "bold or emphasis", emphasis);
    row(sb, "URL", url);
    row(sb, "heading", heading);
    row(sb, "block quote", quote);
    row(sb, "fenced code block", codeBlock);
    row(sb, "list", list);
    sb.append(String.format(Locale.ROOT, "\n| line breaks per response | single | blank-line |\n| --- | --- | --- |\n"));
    sb.append(String.format(Locale.ROOT, "| whole text | %.2f | %.2f |\n", perResponse(singleBreaks), perResponse(blankBreaks)));
    sb.append(String.format(Locale.ROOT, "| prose (a code block counts as one line) | %.2f | %.2f |\n", perResponse(proseSingleBreaks), perResponse(proseBlankBreaks)));
    return sb.toString();
  }

  private void row(StringBuilder sb, String name, int n) {
    sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f%% |\n", name, n, 100 * share(n)));
  }

  /** What one response shows. */
  record Features(
      boolean emphasis,
      boolean url,
      boolean heading,
      boolean quote,
      boolean codeBlock,
      boolean list,
      int singleBreaks,
      int blankBreaks,
      int proseSingleBreaks,
      int proseBlankBreaks) {

    static Features of(String md) {
      List<String> lines = lines(md);
      List<String> prose = prose(md);
      boolean codeBlock = prose.stream().anyMatch(l -> l.endsWith(CODE_LINE));
      boolean emphasis = false, url = false, heading = false, quote = false, list = false;
      boolean displayMath = false; // inside $$ ... $$ written across lines
      for (String line : prose) {
        if (line.endsWith(CODE_LINE)) continue;
        String masked = maskCodeSpans(line);
        boolean toggles = count(masked, "$$") % 2 == 1;
        if (displayMath || toggles) {
          if (toggles) displayMath = !displayMath;
          masked = "";
        }
        masked = maskTex(masked);
        if (!emphasis && (EMPHASIS_STAR.matcher(masked).find() || EMPHASIS_UNDERSCORE.matcher(masked).find())) emphasis = true;
        if (!url && URL.matcher(masked).find()) url = true;
        int p = HtmlToMarkdown.containerPrefix(line);
        if (line.lastIndexOf('>', p - 1) >= 0 || QUOTE.matcher(line).find()) quote = true;
        if (HEADING.matcher(line.substring(p)).find()) heading = true;
        String inner = QUOTE_PREFIX.matcher(line).replaceFirst("");
        if (LIST.matcher(inner).find() && !THEMATIC_BREAK.matcher(inner).matches()) list = true;
      }
      int[] whole = breaks(lines);
      int[] inProse = breaks(prose);
      return new Features(emphasis, url, heading, quote, codeBlock, list, whole[0], whole[1], inProse[0], inProse[1]);
    }

    static int count(String s, String what) {
      int n = 0;
      for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) n++;
      return n;
    }

    static List<String> lines(String md) {
      return List.of(md.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1));
    }

    /** The lines outside fenced code blocks; each code block is one line ending in {@link #CODE_LINE}. */
    static List<String> prose(String md) {
      List<String> prose = new ArrayList<>();
      int fence = 0; // length of the open fence, 0 outside code
      for (String line : lines(md)) {
        int p = HtmlToMarkdown.containerPrefix(line);
        String body = line.substring(p);
        int run = run(body, 0, '`');
        if (fence > 0) {
          if (run >= fence && body.strip().length() == run) fence = 0; // the closing fence
          continue;
        }
        if (run >= 3 && !closesOnLine(body, run)) {
          fence = run;
          prose.add(line.substring(0, p) + CODE_LINE);
          continue;
        }
        prose.add(line);
      }
      return prose;
    }

    /** {single, blank-line} breaks between the non-blank lines; blank lines at the ends do not count. */
    static int[] breaks(List<String> lines) {
      int single = 0, blank = 0;
      boolean seen = false;
      int blanks = 0;
      for (String l : lines) {
        if (l.isBlank()) {
          blanks++;
          continue;
        }
        if (seen) {
          if (blanks == 0) single++;
          else blank++;
        }
        seen = true;
        blanks = 0;
      }
      return new int[] {single, blank};
    }

    /** True when a backtick run of exactly {@code n} follows the opening run on the line (a code span). */
    static boolean closesOnLine(String body, int n) {
      int i = n;
      while (i < body.length()) {
        if (body.charAt(i) == '`') {
          int r = run(body, i, '`');
          if (r == n) return true;
          i += r;
        } else i++;
      }
      return false;
    }

    static int run(String s, int from, char c) {
      int i = from;
      while (i < s.length() && s.charAt(i) == c) i++;
      return i - from;
    }

    /** Replaces each code span (a backtick run closed by a run of the same length) by {@code C}. */
    static String maskCodeSpans(String line) {
      if (line.indexOf('`') < 0) return line;
      StringBuilder sb = new StringBuilder(line.length());
      int i = 0;
      while (i < line.length()) {
        char c = line.charAt(i);
        if (c != '`') {
          sb.append(c);
          i++;
          continue;
        }
        int n = run(line, i, '`');
        int close = -1;
        for (int j = i + n; j < line.length(); ) {
          if (line.charAt(j) == '`') {
            int r = run(line, j, '`');
            if (r == n) {
              close = j;
              break;
            }
            j += r;
          } else j++;
        }
        if (close < 0) {
          sb.append(line, i, i + n);
          i += n;
        } else {
          sb.append('C');
          i = close + n;
        }
      }
      return sb.toString();
    }

    /** Replaces {@code $$...$$} and {@code $...$} on one line by {@code M}. */
    static String maskTex(String line) {
      if (line.indexOf('$') < 0) return line;
      return line.replaceAll("\\$\\$[^$]+\\$\\$", "M").replaceAll("\\$[^$\\s][^$]*\\$", "M");
    }
  }

  /** What a prose line is, for {@link #transitions}. */
  enum LineKind {
    PARAGRAPH,
    HEADING,
    LIST,
    QUOTE,
    CODE
  }

  /**
   * How neighbouring blocks are separated: for each (kind before, kind after) of two neighbouring
   * non-blank prose lines, how many are one newline apart ({@code [0]}) and how many a blank line or
   * more ({@code [1]}). A fenced code block is one line of kind CODE; an indented line that opens no
   * list item continues the kind of the line before it. Two lines of one paragraph count as
   * PARAGRAPH to PARAGRAPH, like two paragraphs one line apart: the text cannot tell them apart.
   */
  static java.util.Map<String, long[]> transitions(Collection<String> responses) {
    java.util.Map<String, long[]> out = new java.util.TreeMap<>();
    for (String r : responses) {
      LineKind prev = null;
      int blanks = 0;
      for (String line : Features.prose(r)) {
        if (line.isBlank()) {
          blanks++;
          continue;
        }
        LineKind k = kind(line, prev);
        if (prev != null) out.computeIfAbsent(prev + " > " + k, x -> new long[2])[blanks == 0 ? 0 : 1]++;
        prev = k;
        blanks = 0;
      }
    }
    return out;
  }

  static LineKind kind(String line, LineKind prev) {
    if (line.endsWith(CODE_LINE)) return LineKind.CODE;
    int p = HtmlToMarkdown.containerPrefix(line);
    if (line.lastIndexOf('>', p - 1) >= 0 || QUOTE.matcher(line).find()) return LineKind.QUOTE;
    if (HEADING.matcher(line.substring(p)).find()) return LineKind.HEADING;
    String inner = QUOTE_PREFIX.matcher(line).replaceFirst("");
    if (LIST.matcher(inner).find() && !THEMATIC_BREAK.matcher(inner).matches()) return LineKind.LIST;
    if (prev != null && Character.isWhitespace(line.charAt(0))) return prev;
    return LineKind.PARAGRAPH;
  }

  /** The responses (second turn) of the rows of a JSONL file whose source is {@code source}, or of every row when null. */
  static List<String> responses(Path jsonl, String source) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) continue;
        JsonNode row;
        try {
          row = mapper.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IOException(jsonl + ":" + n + ": not JSON: " + e.getOriginalMessage());
        }
        JsonNode turns = row.get("conversations");
        if (turns == null || !turns.isArray() || turns.size() < 2)
          throw new IOException(jsonl + ":" + n + ": no \"conversations\" array with a response");
        if (source != null && !source.equals(row.path("source").asText())) continue;
        out.add(turns.get(1).asText());
      }
    }
    return out;
  }

  /**
   * {@code StyleProfile FILE.jsonl [--source NAME] [--transitions]}: prints the profile (and the
   * block separations) as Markdown tables.
   */
  public static void main(String[] args) {
    String source = null;
    Path file = null;
    boolean transitions = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--source") && i + 1 < args.length) source = args[++i];
      else if (args[i].equals("--transitions")) transitions = true;
      else if (file == null && !args[i].startsWith("--")) file = Path.of(args[i]);
      else {
        System.err.println("usage: StyleProfile FILE.jsonl [--source NAME] [--transitions]");
        System.exit(2);
      }
    }
    if (file == null) {
      System.err.println("usage: StyleProfile FILE.jsonl [--source NAME] [--transitions]");
      System.exit(2);
    }
    try {
      List<String> responses = responses(file, source);
      System.out.print(of(responses).table());
      if (transitions) {
        System.out.print("\n| neighbouring blocks | single | blank-line |\n| --- | --- | --- |\n");
        transitions(responses).forEach((k, v) -> System.out.printf(Locale.ROOT, "| %s | %d | %d |%n", k.toLowerCase(Locale.ROOT), v[0], v[1]));
      }
    } catch (NoSuchFileException e) {
      System.err.println("error: no such file: " + e.getFile());
      System.exit(1);
    } catch (IOException | UncheckedIOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
  }
}
