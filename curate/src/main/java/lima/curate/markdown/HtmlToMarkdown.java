package lima.curate.markdown;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Converts Stack Exchange post HTML to Markdown in the style of the released LIMA data: the paper's
 * rule (remove links, images and other HTML tags; keep code blocks and lists) applied as the 400
 * released Stack Exchange answers show it.
 *
 * <p>What comes out (see {@code docs/html-to-markdown.md} for the full list and the measured style
 * it follows): paragraphs one line apart, lists, block quotes and tables set off by a blank line, a
 * blank line before a heading, code blocks one line apart; a line break written in a paragraph's
 * HTML source stays a line break; fenced code blocks with the language hint when the post has one
 * ({@code <!-- language: lang-js -->}, {@code <!-- language-all: ... -->}, {@code <!-- begin
 * snippet: js ... -->}, {@code class="lang-js"} or {@code class="language-js"} on {@code
 * pre}/{@code code}, {@code data-lang} on a snippet {@code div}); inline code in backticks; {@code *
 * } and {@code 1. } lists, nested by indentation; {@code #} headings at their HTML level; {@code > }
 * quotes; {@code <br>} as a line break; tables as GitHub pipe tables. Links become their text, a
 * link whose text is a URL goes, URLs written as text go, and a paragraph that only credited a
 * source it linked goes. Bold and emphasis keep their text without markers; images, scripts, styles
 * and forms go with their content; {@code <hr>} and every other tag go. Entities are decoded, HTML
 * whitespace is collapsed, no line ends in a space, there is never more than one blank line, and the
 * text of code blocks is kept exactly (line endings become {@code \n}). Text is not
 * Markdown-escaped (TeX {@code $...$}, {@code *} and {@code _} stay as written), as in the released
 * data.
 *
 * <p>Linear in the input: jsoup's parser and an iterative traversal (no recursion, so deep nesting
 * cannot overflow the stack; nesting of quotes and lists deeper than {@link Options#maxNesting()} is
 * flattened), no backtracking regular expressions over the body.
 */
public final class HtmlToMarkdown {
  private HtmlToMarkdown() {}

  /** How inline code is written. */
  public enum InlineCode {
    /** CommonMark code spans: the shortest backtick run that does not occur in the code. */
    BACKTICK,
    /** Three (or more) backticks, as most inline code in the released LIMA answers: {@code ```ls```}. */
    TRIPLE
  }

  /**
   * Converter settings.
   *
   * @param inlineCode how inline code is delimited
   * @param maxNesting the deepest nesting of quotes, lists and list items kept as structure; deeper
   *     ones are flattened into their parent (their text is kept)
   */
  public record Options(InlineCode inlineCode, int maxNesting) {
    /** CommonMark code spans, nesting up to 32. */
    public static final Options DEFAULT = new Options(InlineCode.BACKTICK, 32);

    /** Like {@link #DEFAULT} but inline code in triple backticks, as in the released LIMA data. */
    public static final Options LIMA = new Options(InlineCode.TRIPLE, 32);

    public Options {
      if (inlineCode == null) throw new IllegalArgumentException("inlineCode must be set");
      if (maxNesting < 1 || maxNesting > 1000)
        throw new IllegalArgumentException("maxNesting must be in 1..1000, got " + maxNesting);
    }
  }

  /** Converts one post body with {@link Options#DEFAULT}. */
  public static String convert(String html) {
    return convert(html, Options.DEFAULT);
  }

  /** Converts one post body. {@code null} or blank input gives "". */
  public static String convert(String html, Options options) {
    if (html == null || html.isEmpty()) return "";
    String src = html.indexOf('\r') >= 0 ? html.replace("\r\n", "\n").replace('\r', '\n') : html;
    Document doc = Jsoup.parseBodyFragment(src);
    Converter c = new Converter(options);
    NodeTraversor.filter(c, doc.body());
    return normalizeWhitespace(c.finish());
  }

  // ---------------------------------------------------------------------------------------------
  // Whitespace normalisation (also used by tests as an invariant: it is idempotent on our output)

  /**
   * Removes trailing spaces and tabs, collapses runs of blank lines to one and strips leading and
   * trailing blank lines, everywhere except inside fenced code blocks (also fences nested in quotes
   * or list items), whose lines are left exactly as they are.
   */
  public static String normalizeWhitespace(String md) {
    StringBuilder out = new StringBuilder(md.length());
    boolean inFence = false;
    int fenceLen = 0;
    boolean lastBlank = true; // drops leading blank lines
    int pos = 0;
    int n = md.length();
    while (pos <= n) {
      int nl = md.indexOf('\n', pos);
      int end = nl < 0 ? n : nl;
      String line = md.substring(pos, end);
      pos = end + 1;
      int bodyStart = containerPrefix(line);
      int run = 0;
      while (bodyStart + run < line.length() && line.charAt(bodyStart + run) == '`') run++;
      if (inFence) {
        String trimmed = rtrim(line);
        boolean closes = run >= fenceLen && bodyStart + run == trimmed.length();
        out.append(closes ? trimmed : line).append('\n');
        if (closes) inFence = false;
        lastBlank = false;
        if (nl < 0) break;
        continue;
      }
      String trimmed = rtrim(line);
      if (run >= 3 && trimmed.indexOf('`', bodyStart + run) < 0) {
        inFence = true;
        fenceLen = run;
      }
      if (trimmed.isEmpty()) {
        if (!lastBlank) out.append('\n');
        lastBlank = true;
      } else {
        out.append(trimmed).append('\n');
        lastBlank = false;
      }
      if (nl < 0) break;
    }
    int e = out.length();
    while (e > 0 && out.charAt(e - 1) == '\n') e--;
    out.setLength(e);
    return out.toString();
  }

  /** Length of the quote markers, list markers and indentation that open a line ("  > 1. * "). */
  static int containerPrefix(String line) {
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '>') {
        i++;
      } else if ((c == '*' || c == '-' || c == '+') && i + 1 < n && line.charAt(i + 1) == ' ') {
        i += 2;
      } else if (c >= '0' && c <= '9') {
        int j = i;
        while (j < n && j - i < 10 && line.charAt(j) >= '0' && line.charAt(j) <= '9') j++;
        if (j + 1 < n && (line.charAt(j) == '.' || line.charAt(j) == ')') && line.charAt(j + 1) == ' ') i = j + 2;
        else break;
      } else {
        break;
      }
    }
    return i;
  }

  private static String rtrim(String s) {
    int e = s.length();
    while (e > 0 && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\t')) e--;
    return e == s.length() ? s : s.substring(0, e);
  }

  // ---------------------------------------------------------------------------------------------

  /** Tags dropped together with their content. */
  static final Set<String> DROPPED =
      Set.of(
          "script", "style", "noscript", "template", "head", "title", "meta", "link", "iframe", "object",
          "embed", "svg", "math", "canvas", "video", "audio", "img", "picture", "source", "track", "map",
          "area", "input", "select", "textarea", "button", "option", "datalist", "frame", "frameset",
          "applet", "param", "base");

  /** Tags that end the current paragraph (and start a new one) but keep their content. */
  static final Set<String> BLOCKS =
      Set.of(
          "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "figure",
          "figcaption", "details", "summary", "dl", "dt", "dd", "center", "address", "form", "fieldset",
          "legend", "body", "html", "hgroup", "dialog", "menu", "caption", "tr", "td", "th", "thead",
          "tbody", "tfoot", "colgroup", "col", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4",
          "h5", "h6", "table", "pre", "hr", "listing", "xmp", "plaintext");

  private static final Pattern LANGUAGE_COMMENT = Pattern.compile("\\s*language(-all)?\\s*:\\s*([^\\s]+).*", Pattern.DOTALL);
  private static final Pattern SNIPPET_COMMENT = Pattern.compile("\\s*begin\\s+snippet\\s*:\\s*([^\\s]+).*", Pattern.DOTALL);
  private static final Pattern END_SNIPPET = Pattern.compile("\\s*end\\s+snippet\\b.*", Pattern.DOTALL);
  private static final Pattern LANG_NAME = Pattern.compile("[A-Za-z0-9_+#.-]{1,40}");

  /**
   * Marks, in a paragraph being built, a line break that the HTML source wrote inside the text (which
   * HTML renders as a space). It becomes a newline when the paragraph is finished, or a space where a
   * newline would start a Markdown block. Input NULs are replaced, so the mark is unambiguous.
   */
  static final char SOFT = '\u0000';

  /** Link texts longer than this are never taken for a bare URL (bounds the look-ahead). */
  static final int MAX_URL_TEXT = 2048;

  /**
   * Words a paragraph that only credits a linked source is made of ("Sourced from", "Source:", "See
   * also", "More information at", "Taken from this page"); see {@link #creditOnly}.
   */
  static final Set<String> CREDIT_WORDS =
      Set.of(
          "source", "sources", "sourced", "src", "from", "via", "credit", "credits", "courtesy", "of",
          "reference", "references", "ref", "refs", "see", "also", "link", "links", "here", "more",
          "info", "information", "details", "further", "reading", "read", "at", "on", "in", "the",
          "this", "page", "site", "website", "article", "taken", "quoted", "adapted", "copied",
          "excerpted", "cited", "original", "originally", "image", "picture", "photo", "for",
          "available", "found", "and");

  /** A credit-only paragraph has at most this many words. */
  static final int MAX_CREDIT_WORDS = 12;

  /** Tables nested in table cells beyond this depth are flattened to paragraphs. */
  static final int MAX_TABLES = 8;

  private enum Kind {
    ROOT,
    QUOTE,
    LIST,
    ITEM,
    HEADING,
    TABLE,
    CELL
  }

  /** What a finished block is; the separator between two blocks depends on their kinds. */
  private enum Block {
    PARAGRAPH,
    HEADING,
    CODE,
    LIST,
    ITEM,
    QUOTE,
    TABLE
  }

  /** One open container: its finished blocks, and the paragraph being built. */
  private static final class Frame {
    final Kind kind;
    final Element owner;
    final StringBuilder blocks = new StringBuilder();
    final StringBuilder inline = new StringBuilder();
    Block last; // kind of the last block in blocks
    boolean droppedUrl; // the paragraph being built lost a bare URL
    boolean justDropped; // a bare-URL link was the last thing met in the paragraph
    boolean ordered;
    long counter;
    String marker; // ITEM: "* " or "1. "; null for an item made up for a list nested without <li>
    int level; // HEADING
    List<List<String>> rows; // TABLE
    List<String> row; // TABLE
    String caption; // TABLE

    Frame(Kind kind, Element owner) {
      this.kind = kind;
      this.owner = owner;
    }

    boolean singleLine() {
      return kind == Kind.HEADING || kind == Kind.CELL;
    }
  }

  /**
   * True when a paragraph, once its bare URLs are gone, holds only credit words ({@link
   * #CREDIT_WORDS}, at most {@link #MAX_CREDIT_WORDS}) or no word at all: "Sourced from", "Source:",
   * "(see also)". Numbers and punctuation are ignored.
   */
  static boolean creditOnly(String text) {
    int words = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int cp = text.codePointAt(i);
      if (!Character.isLetter(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      while (i < n && Character.isLetter(text.codePointAt(i))) i += Character.charCount(text.codePointAt(i));
      if (++words > MAX_CREDIT_WORDS) return false;
      if (!CREDIT_WORDS.contains(text.substring(start, i).toLowerCase(Locale.ROOT))) return false;
    }
    return true;
  }

  /** True when {@code p[s, e)} starts with three or more backticks and has no other backtick: a fence line. */
  private static boolean opensFence(CharSequence p, int s, int e) {
    int i = s;
    while (i < e && p.charAt(i) == '`') i++;
    if (i - s < 3) return false;
    for (; i < e; i++) if (p.charAt(i) == '`') return false;
    return true;
  }

  /**
   * The text without its {@code http://}, {@code https://} and {@code ftp://} URLs. A URL runs to
   * the next whitespace, less trailing punctuation and unbalanced closing brackets; brackets or
   * angle brackets right around it go with it.
   */
  static String removeUrls(String text) {
    StringBuilder sb = null;
    int copied = 0;
    int from = 0;
    int n = text.length();
    while (true) {
      int sep = text.indexOf("://", from);
      if (sep < 0) break;
      from = sep + 3;
      int start = sep;
      while (start > 0 && isSchemeChar(text.charAt(start - 1))) start--;
      while (start < sep && !Character.isLetter(text.charAt(start))) start++; // a scheme starts with a letter
      String scheme = text.substring(start, sep).toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https") || scheme.equals("ftp"))) continue;
      if (start < copied) continue;
      int end = sep + 3;
      while (end < n && !Converter.isSpace(text.charAt(end))) end++;
      end = trimUrlEnd(text, sep + 3, end);
      if (end == sep + 3) continue; // nothing after the scheme: not a URL
      int a = start;
      int b = end;
      if (a > 0 && b < n) {
        char open = text.charAt(a - 1);
        char close = text.charAt(b);
        if ((open == '(' && close == ')') || (open == '[' && close == ']') || (open == '<' && close == '>')) {
          a--;
          b++;
        }
      }
      // "see http://x." -> "see." rather than "see ."; "a, http://x, b" -> "a, b"
      if (b < n && ".,;:!?".indexOf(text.charAt(b)) >= 0) {
        while (a > copied && Converter.isSpace(text.charAt(a - 1))) a--;
        if (a > copied && ",;:".indexOf(text.charAt(a - 1)) >= 0) a--;
      }
      if (sb == null) sb = new StringBuilder(n);
      sb.append(text, copied, a);
      copied = b;
      from = b;
    }
    if (sb == null) return text;
    sb.append(text, copied, n);
    return sb.toString();
  }

  private static boolean isSchemeChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
  }

  /** Where a URL found in {@code text[from, end)} really ends: trailing punctuation and unbalanced closers are not part of it. */
  private static int trimUrlEnd(String text, int from, int end) {
    int parens = 0; // opened minus closed, over the whole URL (counted once: linear)
    int brackets = 0;
    for (int i = from; i < end; i++) {
      char c = text.charAt(i);
      if (c == '(') parens++;
      else if (c == ')') parens--;
      else if (c == '[') brackets++;
      else if (c == ']') brackets--;
    }
    while (end > from) {
      char c = text.charAt(end - 1);
      if (".,;:!?'\"\u00BB\u201D\u2019".indexOf(c) >= 0) end--;
      else if (c == ')' && parens < 0) {
        end--;
        parens++;
      } else if (c == ']' && brackets < 0) {
        end--;
        brackets++;
      } else break;
    }
    return end;
  }


  private static final class Converter implements NodeFilter {
    private final Options options;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private String pendingLanguage; // <!-- language: x --> applies to the next code block
    private String allLanguage; // <!-- language-all: x --> applies to every later code block
    private String snippetLanguage; // inside <!-- begin snippet: x --> ... <!-- end snippet -->
    private Element snippetDiv;
    private int nesting;
    private int tables;

    Converter(Options options) {
      this.options = options;
      frames.push(new Frame(Kind.ROOT, null));
    }

    private Frame top() {
      return frames.peek();
    }

    String finish() {
      while (frames.size() > 1) popAndRender();
      Frame root = top();
      flush(root);
      return root.blocks.toString();
    }

    @Override
    public FilterResult head(Node node, int depth) {
      if (node instanceof TextNode t) {
        Frame f = top();
        if ((f.kind == Kind.TABLE || f.kind == Kind.LIST) && t.isBlank()) return FilterResult.CONTINUE;
        appendText(f, t.getWholeText());
        return FilterResult.CONTINUE;
      }
      if (node instanceof Comment c) {
        directive(c.getData());
        return FilterResult.CONTINUE;
      }
      if (!(node instanceof Element el)) return FilterResult.CONTINUE; // DataNode (script/style bodies), ...
      String tag = el.normalName();
      if (DROPPED.contains(tag)) return FilterResult.SKIP_ENTIRELY;
      Frame f = top();
      switch (tag) {
        case "br" -> {
          if (f.singleLine()) appendText(f, " ");
          else hardBreak(f);
          return FilterResult.SKIP_ENTIRELY;
        }
        case "hr" -> {
          boundary(f); // a tag like any other: it ends the paragraph and leaves no mark
          return FilterResult.SKIP_ENTIRELY;
        }
        case "a" -> {
          if (isBareUrl(el)) {
            f.droppedUrl = true;
            f.justDropped = true;
            return FilterResult.SKIP_ENTIRELY;
          }
          return FilterResult.CONTINUE;
        }
        case "pre", "listing", "xmp", "plaintext" -> {
          codeBlock(el, f);
          return FilterResult.SKIP_ENTIRELY;
        }
        case "code", "kbd", "samp", "tt" -> {
          if (!tag.equals("code")) return FilterResult.CONTINUE; // kept as plain text
          if (el.selectFirst("pre") != null) return FilterResult.CONTINUE; // <code><pre>: the pre is the block
          String span = codeSpan(collectCode(el).replace('\n', ' '));
          if (!span.isEmpty()) appendRaw(f, span);
          return FilterResult.SKIP_ENTIRELY;
        }
        case "blockquote" -> {
          boundary(f);
          push(Kind.QUOTE, el, true);
          return FilterResult.CONTINUE;
        }
        case "ul", "ol" -> {
          boundary(f);
          if (f.kind == Kind.LIST && nesting < options.maxNesting()) {
            Frame item = push(Kind.ITEM, el, true); // a list nested without <li>: indent it
            item.marker = null;
          }
          Frame list = push(Kind.LIST, el, true);
          if (list.kind == Kind.LIST) {
            list.ordered = tag.equals("ol");
            list.counter = startOf(el) - 1;
          }
          return FilterResult.CONTINUE;
        }
        case "li" -> {
          boundary(f);
          String marker = "* ";
          if (f.kind == Kind.LIST) {
            f.counter++;
            if (f.ordered) marker = f.counter + ". ";
          }
          Frame item = push(Kind.ITEM, el, true);
          if (item.kind == Kind.ITEM) item.marker = marker;
          return FilterResult.CONTINUE;
        }
        case "h1", "h2", "h3", "h4", "h5", "h6" -> {
          if (f.singleLine()) return FilterResult.CONTINUE;
          boundary(f);
          Frame h = push(Kind.HEADING, el, false);
          h.level = tag.charAt(1) - '0';
          return FilterResult.CONTINUE;
        }
        case "table" -> {
          if (f.kind == Kind.TABLE) return FilterResult.CONTINUE; // a table straight inside a table: its rows join the outer one
          boundary(f);
          if (tables >= MAX_TABLES) return FilterResult.CONTINUE; // tables nested deeper: their text, cell by cell
          tables++;
          Frame t = push(Kind.TABLE, el, false);
          t.rows = new ArrayList<>();
          return FilterResult.CONTINUE;
        }
        case "caption" -> {
          if (f.kind == Kind.TABLE) {
            String text = collapse(el.text());
            if (!text.isEmpty()) f.caption = text;
            return FilterResult.SKIP_ENTIRELY;
          }
          boundary(f);
          return FilterResult.CONTINUE;
        }
        case "tr" -> {
          if (f.kind == Kind.TABLE) {
            endRow(f);
            f.row = new ArrayList<>();
          } else boundary(f);
          return FilterResult.CONTINUE;
        }
        case "td", "th" -> {
          if (f.kind == Kind.TABLE) {
            if (f.row == null) f.row = new ArrayList<>();
            push(Kind.CELL, el, false);
          } else boundary(f);
          return FilterResult.CONTINUE;
        }
        default -> {
          if (tag.equals("div") && el.hasClass("snippet") && el.hasAttr("data-lang")) {
            snippetDiv = el;
            snippetLanguage = cleanLanguage(el.attr("data-lang"));
          }
          if (BLOCKS.contains(tag)) boundary(f);
          return FilterResult.CONTINUE;
        }
      }
    }

    @Override
    public FilterResult tail(Node node, int depth) {
      if (!(node instanceof Element el)) return FilterResult.CONTINUE;
      String tag = el.normalName();
      switch (tag) {
        case "tr" -> {
          if (top().kind == Kind.TABLE) endRow(top());
        }
        default -> {
          if (top().owner == el) {
            popAndRender();
            // a list nested without <li> also opened an item
            if (top().owner == el) popAndRender();
          } else if (BLOCKS.contains(tag)) {
            boundary(top());
          }
          if (el == snippetDiv) {
            snippetDiv = null;
            snippetLanguage = null;
          }
        }
      }
      return FilterResult.CONTINUE;
    }

    // ---- frames

    /** Opens a container, unless nesting is already at the limit (then the current one goes on). */
    private Frame push(Kind kind, Element owner, boolean counts) {
      if (counts && nesting >= options.maxNesting()) return top();
      Frame f = new Frame(kind, owner);
      frames.push(f);
      if (counts) nesting++;
      return f;
    }

    private void popAndRender() {
      Frame f = frames.pop();
      if (f.kind == Kind.QUOTE || f.kind == Kind.LIST || f.kind == Kind.ITEM) nesting--;
      flush(f);
      Frame parent = top();
      switch (f.kind) {
        case QUOTE -> {
          if (f.blocks.isEmpty()) return;
          addBlock(parent, prefixLines(f.blocks, "> ", "> ", ">"), Block.QUOTE);
        }
        case LIST -> {
          if (!f.blocks.isEmpty()) addBlock(parent, f.blocks.toString(), Block.LIST);
        }
        case ITEM -> {
          if (f.blocks.isEmpty()) return;
          if (f.marker == null) addBlock(parent, prefixLines(f.blocks, "  ", "  ", ""), Block.ITEM);
          else addBlock(parent, prefixLines(f.blocks, f.marker, " ".repeat(f.marker.length()), ""), Block.ITEM);
          return;
        }
        case HEADING -> {
          String text = f.blocks.toString().strip();
          if (text.isEmpty()) return;
          if (parent.singleLine()) addBlock(parent, text, Block.PARAGRAPH);
          else addBlock(parent, "#".repeat(f.level) + " " + text, Block.HEADING);
        }
        case CELL -> {
          Frame table = parent;
          if (table.row == null) table.row = new ArrayList<>();
          table.row.add(f.blocks.toString().strip().replace("|", "\\|"));
        }
        case TABLE -> {
          tables--;
          renderTable(f, parent);
        }
        case ROOT -> throw new IllegalStateException("root popped");
      }
    }

    private void endRow(Frame table) {
      if (table.row != null && !table.row.isEmpty()) table.rows.add(table.row);
      table.row = null;
    }

    private void renderTable(Frame t, Frame parent) {
      endRow(t);
      flush(t); // text the HTML left loose inside the table goes before it, as browsers show it
      if (!t.blocks.isEmpty()) addBlock(parent, t.blocks.toString(), Block.PARAGRAPH);
      if (t.caption != null) addBlock(parent, t.caption, Block.PARAGRAPH);
      if (t.rows.isEmpty()) return;
      if (parent.singleLine()) {
        StringBuilder sb = new StringBuilder();
        for (List<String> row : t.rows)
          for (String cell : row)
            if (!cell.isEmpty()) sb.append(sb.isEmpty() ? "" : " ").append(cell);
        if (!sb.isEmpty()) addBlock(parent, sb.toString(), Block.PARAGRAPH);
        return;
      }
      int cols = 0;
      for (List<String> row : t.rows) cols = Math.max(cols, row.size());
      StringBuilder sb = new StringBuilder();
      for (int r = 0; r < t.rows.size(); r++) {
        List<String> row = t.rows.get(r);
        sb.append('|');
        for (int c = 0; c < cols; c++) {
          String cell = c < row.size() ? row.get(c) : "";
          sb.append(cell.isEmpty() ? " |" : " " + cell + " |");
        }
        sb.append('\n');
        if (r == 0) {
          sb.append('|');
          for (int c = 0; c < cols; c++) sb.append(" --- |");
          sb.append('\n');
        }
      }
      sb.setLength(sb.length() - 1);
      addBlock(parent, sb.toString(), Block.TABLE);
    }

    /** Prefixes every line: {@code first} on line 1, {@code rest} on non-empty later lines, {@code empty} on empty ones. */
    private static String prefixLines(CharSequence text, String first, String rest, String empty) {
      StringBuilder sb = new StringBuilder(text.length() + 16);
      int pos = 0;
      boolean firstLine = true;
      int n = text.length();
      while (pos <= n) {
        int nl = indexOf(text, '\n', pos);
        int end = nl < 0 ? n : nl;
        if (end == pos) sb.append(firstLine ? rtrim(first) : empty);
        else sb.append(firstLine ? first : rest).append(text, pos, end);
        firstLine = false;
        if (nl < 0) break;
        sb.append('\n');
        pos = nl + 1;
      }
      return sb.toString();
    }

    private static int indexOf(CharSequence s, char c, int from) {
      for (int i = from; i < s.length(); i++) if (s.charAt(i) == c) return i;
      return -1;
    }

    // ---- paragraphs

    /** A block element starts or ends: the paragraph being built is finished. */
    private void boundary(Frame f) {
      if (f.singleLine()) appendText(f, " ");
      else flush(f);
    }

    /**
     * Finishes the paragraph being built in {@code f} as a block. A paragraph that lost a bare URL and
     * is left with nothing but credit words ("Sourced from", "Source:") goes altogether.
     */
    private void flush(Frame f) {
      boolean droppedUrl = f.droppedUrl;
      f.droppedUrl = false;
      f.justDropped = false;
      if (f.inline.isEmpty()) return;
      String text = tidyParagraph(f.inline);
      f.inline.setLength(0);
      if (text.isEmpty() || (droppedUrl && creditOnly(text))) return;
      addBlock(f, text, Block.PARAGRAPH);
    }

    private static void addBlock(Frame f, String text, Block kind) {
      if (f.singleLine()) {
        String one = collapse(text.replace('\n', ' '));
        if (one.isEmpty()) return;
        if (!f.blocks.isEmpty()) f.blocks.append(' ');
        f.blocks.append(one);
        return;
      }
      if (!f.blocks.isEmpty()) f.blocks.append(separator(f, f.last, kind, text));
      f.blocks.append(text);
      f.last = kind;
    }

    /**
     * The released style: list items tight, a list nested in an item tight; a blank line before a
     * heading; one newline next to a code block; a blank line next to a list, quote or table (which
     * Markdown needs there); one newline between paragraphs, except before a paragraph that a
     * Markdown reader would otherwise take for a heading underline.
     */
    private static String separator(Frame f, Block prev, Block next, String text) {
      if (prev == Block.ITEM && next == Block.ITEM) return "\n";
      if (f.kind == Kind.ITEM && next == Block.LIST) return "\n";
      if (next == Block.HEADING) return "\n\n";
      if (prev == Block.CODE || next == Block.CODE) return "\n";
      if (setOff(prev) || setOff(next)) return "\n\n";
      if (next == Block.PARAGRAPH && isUnderline(text, 0, firstLineEnd(text))) return "\n\n";
      return "\n";
    }

    private static boolean setOff(Block b) {
      return b == Block.LIST || b == Block.ITEM || b == Block.QUOTE || b == Block.TABLE;
    }

    private static int firstLineEnd(String s) {
      int nl = s.indexOf('\n');
      return nl < 0 ? s.length() : nl;
    }

    /**
     * Trims the lines of a paragraph, drops empty lines at its ends and keeps at most one empty line
     * in a row. A line break the HTML source wrote inside the text ({@link #SOFT}) becomes a newline,
     * or a space when the next line would start a Markdown block.
     */
    private static String tidyParagraph(CharSequence p) {
      StringBuilder sb = new StringBuilder(p.length());
      int pos = 0;
      int n = p.length();
      boolean pendingEmpty = false;
      boolean soft = false; // the line now read followed a SOFT break
      while (pos <= n) {
        int end = pos;
        while (end < n && p.charAt(end) != '\n' && p.charAt(end) != SOFT) end++;
        int s = pos;
        int e = end;
        while (s < e && p.charAt(s) == ' ') s++;
        while (e > s && p.charAt(e - 1) == ' ') e--;
        if (s == e) {
          if (!sb.isEmpty() && !soft) pendingEmpty = true;
        } else {
          boolean lineStart = true;
          if (!sb.isEmpty()) {
            if (pendingEmpty) sb.append("\n\n");
            else if (soft && startsBlock(p, s, e)) {
              sb.append(' ');
              lineStart = false;
            } else sb.append('\n');
          }
          pendingEmpty = false;
          if (lineStart && opensFence(p, s, e)) sb.append('\\'); // literal ``` text must not start a code block
          sb.append(p, s, e);
        }
        if (end >= n) break;
        soft = p.charAt(end) == SOFT;
        pos = end + 1;
      }
      return sb.toString();
    }

    /**
     * True when a line {@code p[s, e)} would open a Markdown block if it followed a paragraph line: an
     * ATX heading, a quote, a list item, a fence, a thematic break or a setext heading underline.
     */
    static boolean startsBlock(CharSequence p, int s, int e) {
      char c = p.charAt(s);
      if (c == '>') return true;
      if (c == '#') {
        int i = s;
        while (i < e && p.charAt(i) == '#') i++;
        return i - s <= 6 && (i == e || p.charAt(i) == ' ' || p.charAt(i) == '\t');
      }
      if (c == '*' || c == '-' || c == '+') {
        if (s + 1 == e || p.charAt(s + 1) == ' ' || p.charAt(s + 1) == '\t') return true;
      }
      if (c >= '0' && c <= '9') {
        int i = s;
        while (i < e && i - s < 10 && p.charAt(i) >= '0' && p.charAt(i) <= '9') i++;
        if (i < e && (p.charAt(i) == '.' || p.charAt(i) == ')') && (i + 1 == e || p.charAt(i + 1) == ' ' || p.charAt(i + 1) == '\t')) return true;
      }
      if (c == '`' || c == '~') {
        int i = s;
        while (i < e && p.charAt(i) == c) i++;
        if (i - s >= 3) return true;
      }
      return isUnderline(p, s, e) || isThematicBreak(p, s, e);
    }

    /** A setext heading underline: only {@code =} or only {@code -} (trailing spaces allowed). */
    static boolean isUnderline(CharSequence p, int s, int e) {
      while (e > s && (p.charAt(e - 1) == ' ' || p.charAt(e - 1) == '\t')) e--;
      if (s == e) return false;
      char c = p.charAt(s);
      if (c != '=' && c != '-') return false;
      for (int i = s; i < e; i++) if (p.charAt(i) != c) return false;
      return true;
    }

    /** Three or more {@code *}, {@code -} or {@code _}, spaces between allowed. */
    static boolean isThematicBreak(CharSequence p, int s, int e) {
      char c = p.charAt(s);
      if (c != '*' && c != '-' && c != '_') return false;
      int count = 0;
      for (int i = s; i < e; i++) {
        char d = p.charAt(i);
        if (d == c) count++;
        else if (d != ' ' && d != '\t') return false;
      }
      return count >= 3;
    }

    /**
     * Appends text with HTML whitespace collapsing (non-breaking spaces count as spaces); a run of
     * whitespace that holds a newline becomes a {@link #SOFT} break (a space in headings and cells).
     * URLs written as text are left out.
     */
    private static void appendText(Frame f, String raw) {
      if (f.justDropped) raw = afterDroppedLink(f, raw);
      if (raw.indexOf("://") >= 0) {
        String kept = removeUrls(raw);
        if (kept.length() != raw.length()) f.droppedUrl = true;
        raw = kept;
      }
      StringBuilder sb = f.inline;
      boolean single = f.singleLine();
      for (int i = 0; i < raw.length(); ) {
        char c = raw.charAt(i);
        if (!isSpace(c)) {
          sb.append(c == SOFT ? '\uFFFD' : c);
          i++;
          continue;
        }
        boolean newline = false;
        while (i < raw.length() && isSpace(raw.charAt(i))) {
          if (raw.charAt(i) == '\n' || raw.charAt(i) == '\r') newline = true;
          i++;
        }
        char last = sb.isEmpty() ? '\n' : sb.charAt(sb.length() - 1);
        if (last == '\n' || last == SOFT) continue;
        if (last == ' ') {
          if (newline && !single) sb.setCharAt(sb.length() - 1, SOFT);
          continue;
        }
        sb.append(newline && !single ? SOFT : ' ');
      }
    }

    /**
     * Text right after a dropped bare-URL link: "see (http://x).", "and http://x." and "a, http://x,
     * b" leave "see.", "and." and "a, b", not "see ().", "and ." and "a,, b".
     */
    private static String afterDroppedLink(Frame f, String raw) {
      f.justDropped = false;
      StringBuilder sb = f.inline;
      while (true) {
        int k = 0;
        while (k < raw.length() && isSpace(raw.charAt(k))) k++;
        if (k == raw.length()) return raw;
        char c = raw.charAt(k);
        int e = sb.length();
        while (e > 0 && sb.charAt(e - 1) == ' ') e--;
        char open = e == 0 ? 0 : sb.charAt(e - 1);
        if ((c == ')' && open == '(') || (c == ']' && open == '[')) {
          sb.setLength(e - 1);
          raw = raw.substring(k + 1);
          continue;
        }
        if (".,;:!?".indexOf(c) >= 0) {
          if (",;:".indexOf(open) >= 0) e--; // "Wikipedia, http://x, says" -> "Wikipedia, says"
          sb.setLength(e);
          return raw.substring(k);
        }
        return raw;
      }
    }

    private static boolean isSpace(char c) {
      return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\u00A0' || c == '\r';
    }

    /** A {@code <br>}: a newline in place of the space or soft break the paragraph ends with. */
    private static void hardBreak(Frame f) {
      f.justDropped = false;
      StringBuilder sb = f.inline;
      int e = sb.length();
      while (e > 0 && (sb.charAt(e - 1) == ' ' || sb.charAt(e - 1) == SOFT)) e--;
      sb.setLength(e);
      sb.append('\n');
    }

    private static void appendRaw(Frame f, String s) {
      f.justDropped = false;
      f.inline.append(s.indexOf(SOFT) >= 0 ? s.replace(SOFT, '\uFFFD') : s);
    }

    /**
     * A link whose whole text is a URL ({@code http://...}, {@code https://...}, {@code ftp://...},
     * {@code www....}): it goes with its text. Only the first {@link #MAX_URL_TEXT} characters of the
     * text are read.
     */
    private static boolean isBareUrl(Element a) {
      String text = rawText(a, false, MAX_URL_TEXT);
      if (text.length() > MAX_URL_TEXT) return false;
      String t = text.strip();
      for (int i = 0; i < t.length(); i++) if (isSpace(t.charAt(i))) return false;
      String lower = t.toLowerCase(Locale.ROOT);
      for (String prefix : new String[] {"http://", "https://", "ftp://", "www."})
        if (lower.startsWith(prefix) && lower.length() > prefix.length()) return true;
      return false;
    }

    private static String collapse(String s) {
      StringBuilder sb = new StringBuilder(s.length());
      boolean prevSpace = true;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\u00A0' || c == '\r') {
          if (!prevSpace) sb.append(' ');
          prevSpace = true;
        } else {
          sb.append(c);
          prevSpace = false;
        }
      }
      int e = sb.length();
      while (e > 0 && sb.charAt(e - 1) == ' ') e--;
      sb.setLength(e);
      return sb.toString();
    }

    // ---- code

    private void directive(String data) {
      Matcher m = LANGUAGE_COMMENT.matcher(data);
      if (m.matches()) {
        String lang = cleanLanguage(m.group(2));
        if (m.group(1) != null) allLanguage = lang;
        else pendingLanguage = lang;
        return;
      }
      m = SNIPPET_COMMENT.matcher(data);
      if (m.matches()) {
        snippetLanguage = cleanLanguage(m.group(1));
        return;
      }
      if (END_SNIPPET.matcher(data).matches()) snippetLanguage = null;
    }

    private void codeBlock(Element pre, Frame f) {
      String lang = language(pre);
      pendingLanguage = null;
      String code = collectCode(pre);
      int e = code.length();
      while (e > 0 && code.charAt(e - 1) == '\n') e--;
      code = code.substring(0, e);
      if (code.isBlank()) return;
      if (f.singleLine()) {
        String span = codeSpan(code.replace('\n', ' '));
        if (!span.isEmpty()) appendRaw(f, span);
        return;
      }
      flush(f);
      String fence = "`".repeat(Math.max(3, longestRun(code, '`') + 1));
      addBlock(f, fence + (lang == null ? "" : lang) + "\n" + code + "\n" + fence, Block.CODE);
    }

    private String language(Element pre) {
      String lang = classLanguage(pre);
      if (lang == null) {
        Element only = pre.childrenSize() == 1 ? pre.child(0) : null;
        if (only != null && only.normalName().equals("code")) lang = classLanguage(only);
      }
      if (lang == null) lang = pendingLanguage;
      if (lang == null) lang = snippetLanguage;
      if (lang == null) lang = allLanguage;
      return lang == null || lang.isEmpty() ? null : lang;
    }

    /** {@code lang-js} or {@code language-js} among the classes; "" for an explicit none. */
    private static String classLanguage(Element el) {
      for (String c : el.classNames()) {
        if (c.startsWith("lang-") || c.startsWith("language-")) return cleanLanguage(c);
        if (c.startsWith("snippet-code-")) return cleanLanguage(c.substring(13));
      }
      return null;
    }

    /** {@code lang-js} → {@code js}; none/default/nohighlight and unusable names → "". */
    static String cleanLanguage(String raw) {
      String s = raw.strip();
      if (s.startsWith("lang-")) s = s.substring(5);
      else if (s.startsWith("language-")) s = s.substring(9);
      s = s.toLowerCase(Locale.ROOT);
      if (s.equals("none") || s.equals("default") || s.equals("nohighlight") || !LANG_NAME.matcher(s).matches()) return "";
      return s;
    }

    private String codeSpan(String text) {
      int s = 0;
      int e = text.length();
      while (s < e && text.charAt(s) == ' ') s++;
      while (e > s && text.charAt(e - 1) == ' ') e--;
      if (s == e) return "";
      String t = text.substring(s, e);
      int run = longestRun(t, '`');
      int n = options.inlineCode() == InlineCode.TRIPLE ? Math.max(3, run + 1) : run + 1;
      String fence = "`".repeat(n);
      boolean pad = t.charAt(0) == '`' || t.charAt(t.length() - 1) == '`';
      return pad ? fence + " " + t + " " + fence : fence + t + fence;
    }

    private static int longestRun(String s, char c) {
      int best = 0;
      int cur = 0;
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) == c) best = Math.max(best, ++cur);
        else cur = 0;
      }
      return best;
    }

    /** The text of a code element exactly as written: text nodes as they are, {@code <br>} as a newline. */
    private static String collectCode(Element el) {
      return rawText(el, true, Integer.MAX_VALUE);
    }

    /**
     * The text nodes under {@code el} as they are (no whitespace folding), {@link #DROPPED} elements left
     * out, {@code <br>} as a newline when {@code brAsNewline}; reading stops once more than {@code limit}
     * characters are collected (the result is then longer than {@code limit}).
     */
    private static String rawText(Element el, boolean brAsNewline, int limit) {
      StringBuilder sb = new StringBuilder();
      NodeTraversor.filter(
          new NodeFilter() {
            @Override
            public FilterResult head(Node node, int depth) {
              if (node instanceof TextNode t) sb.append(t.getWholeText());
              else if (node instanceof Element e) {
                if (brAsNewline && e.normalName().equals("br")) sb.append('\n');
                else if (DROPPED.contains(e.normalName())) return FilterResult.SKIP_ENTIRELY;
              }
              return sb.length() > limit ? FilterResult.STOP : FilterResult.CONTINUE;
            }

            @Override
            public FilterResult tail(Node node, int depth) {
              return FilterResult.CONTINUE;
            }
          },
          el);
      return sb.toString();
    }

    private static long startOf(Element ol) {
      String s = ol.attr("start").strip();
      if (s.isEmpty() || s.length() > 9) return 1;
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return 1;
      }
    }
  }
}
