package lima.curate.markdown;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import lima.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Literal checks, random-input invariants and a real-dump run of {@link HtmlToMarkdown}. */
class HtmlToMarkdownTest {

  /** Known tags written as tags; none may survive outside code when the text itself has no '<'. */
  static final Pattern RAW_TAG =
      Pattern.compile("</?(p|div|b|i|em|strong|code|pre|ul|ol|li|a|img|br|hr|h[1-6]|blockquote|table|tr|td|th|span|script|style)\\b[^>]*>");

  @Test
  void nullAndBlankGiveEmpty() {
    assertEquals("", HtmlToMarkdown.convert(null));
    assertEquals("", HtmlToMarkdown.convert(""));
    assertEquals("", HtmlToMarkdown.convert("  \n <p> </p>"));
  }

  @Test
  void optionsAreChecked() {
    var e = assertThrows(IllegalArgumentException.class, () -> new HtmlToMarkdown.Options(HtmlToMarkdown.InlineCode.BACKTICK, 0));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new HtmlToMarkdown.Options(null, 3));
  }

  @Test
  void languageNamesAreCleaned() {
    assertEquals("js", HtmlToMarkdown.convert("<pre class='lang-JS'><code>x</code></pre>").lines().findFirst().orElseThrow().substring(3));
    assertEquals("```", HtmlToMarkdown.convert("<pre class='lang-none'><code>x</code></pre>").lines().findFirst().orElseThrow());
    assertEquals("```", HtmlToMarkdown.convert("<!-- language: lang-js onload=\"x\" --><pre class='lang-a\"b'><code>x</code></pre>").lines().findFirst().orElseThrow());
    assertEquals("```c#", HtmlToMarkdown.convert("<!-- language: c# --><pre><code>x</code></pre>").lines().findFirst().orElseThrow());
  }

  @Test
  void bareUrlsGoAndSoDoParagraphsThatOnlyCreditThem() {
    // the released coffee answer: the credit line under the answer is gone
    assertEquals("Answer.", HtmlToMarkdown.convert("<p>Answer.</p><p>Sourced from <a href=\"http://r.example/\">http://r.example/</a></p>"));
    assertEquals("Answer.", HtmlToMarkdown.convert("<p>Answer.</p><p>(Source: https://r.example/a)</p>"));
    assertEquals("Answer.", HtmlToMarkdown.convert("<p>Answer.</p><ul><li>see also <a href=\"http://x\">www.r.example</a></li></ul>"));
    // a credit with a name stays (the released data keeps "source: Norse-Mythology.org")
    assertEquals("Answer.\nSource: Wikipedia", HtmlToMarkdown.convert("<p>Answer.</p><p>Source: Wikipedia <a href=\"http://w.example/x\">http://w.example/x</a></p>"));
    assertEquals("Answer.\nsource", HtmlToMarkdown.convert("<p>Answer.</p><p><a href=\"http://w.example/x\">source</a></p>"), "no URL was dropped: the link text stays");
    assertEquals("Sourced from memory.", HtmlToMarkdown.convert("<p>Sourced from memory.</p>"), "no URL was dropped");
    // mid-sentence: only the URL goes, with the brackets around it and the space before punctuation
    assertEquals("See the manual. Then run it.", HtmlToMarkdown.convert("<p>See the manual (<a href=\"http://m\">http://m.example</a>). Then run it.</p>"));
    assertEquals("Wikipedia, says so.", HtmlToMarkdown.convert("<p>Wikipedia, <a href=\"http://w\">https://w.example</a>, says so.</p>"));
    // code is kept exactly, URLs included
    assertEquals("`curl http://localhost/`", HtmlToMarkdown.convert("<p><code>curl http://localhost/</code></p>"));
  }

  @Test
  void creditOnlyMeansOnlyCreditWords() {
    for (String s : List.of("Sourced from", "Source:", "(see also: )", "Image credit", "More information at", "Taken from this page", "", "--"))
      assertTrue(HtmlToMarkdown.creditOnly(s), s);
    for (String s : List.of("Source: Wikipedia", "Download it from", "see " + "here ".repeat(12)))
      assertFalse(HtmlToMarkdown.creditOnly(s), s);
  }

  @Test
  void urlsWrittenAsTextAreRemoved() {
    assertEquals("a  b", HtmlToMarkdown.removeUrls("a http://x.example/z b"));
    assertEquals("docs  say", HtmlToMarkdown.removeUrls("docs (https://d.example/a_(b)) say"));
    assertEquals("see.", HtmlToMarkdown.removeUrls("see ftp://h.example/f."));
    assertEquals("<>", HtmlToMarkdown.removeUrls("<>"));
    for (String kept : List.of("mailto:x@y.example", "file://x", "xhttp://y", "http://", "http:// x", "no url"))
      assertEquals(kept, HtmlToMarkdown.removeUrls(kept));
  }

  @Test
  void lineBreaksWrittenInTheSourceStayUnlessTheyWouldStartABlock() {
    assertEquals("one\ntwo", HtmlToMarkdown.convert("<p>one  \n  two</p>"));
    assertEquals("one\ntwo", HtmlToMarkdown.convert("<p>one <b>\ntwo</b></p>"));
    assertEquals("one\ntwo", HtmlToMarkdown.convert("<p>one\n<br>\ntwo</p>"), "a <br> next to a source newline is one break");
    for (String marker : List.of("# x", "> x", "* x", "- x", "+ x", "1. x", "12) x", "===", "--", "***", "```x", "~~~"))
      assertEquals("one " + marker, HtmlToMarkdown.convert("<p>one\n" + marker.replace(">", "&gt;") + "</p>"), marker);
    for (String plain : List.of("#hash", "*x*", "1.5 x", "-x"))
      assertEquals("one\n" + plain, HtmlToMarkdown.convert("<p>one\n" + plain + "</p>"), plain);
    assertEquals("## a b", HtmlToMarkdown.convert("<h2>a\nb</h2>"), "headings stay on one line");
  }

  @Test
  void paragraphsAreOneLineApartListsAndQuotesSetOff() {
    assertEquals("a\nb\n\n* c\n\nd\n\n> e\n\nf\n```\ng\n```\nh\n\n## i\nj",
        HtmlToMarkdown.convert("<p>a</p><p>b</p><ul><li>c</li></ul><p>d</p><blockquote>e</blockquote><p>f</p><pre>g</pre><p>h</p><h2>i</h2><p>j</p>"));
    assertEquals("a\n\n---", HtmlToMarkdown.convert("<p>a</p><p>---</p>"), "a paragraph that would underline the one before is set off");
    assertEquals("a\nb", HtmlToMarkdown.convert("<p>a</p><hr><p>b</p>"), "<hr> leaves no mark");
  }

  @Test
  void nestingDeeperThanTheLimitIsFlattenedButKept() {
    int depth = 5000;
    String html = "<blockquote>".repeat(depth) + "<p>deep</p>" + "</blockquote>".repeat(depth);
    String md = HtmlToMarkdown.convert(html);
    assertTrue(md.endsWith("deep"), md.length() > 200 ? md.substring(md.length() - 200) : md);
    assertEquals("> ".repeat(HtmlToMarkdown.Options.DEFAULT.maxNesting()) + "deep", md);
    String lists = "<ul><li>".repeat(depth) + "x" + "</li></ul>".repeat(depth);
    assertTrue(HtmlToMarkdown.convert(lists, new HtmlToMarkdown.Options(HtmlToMarkdown.InlineCode.BACKTICK, 4)).strip().endsWith("x"));
  }

  @Test
  void pathologicalNestingOfEmphasisAndTablesKeepsTheText() {
    int depth = 3000;
    String bold = "<p>" + "<b><i>".repeat(depth) + "core" + "</i></b>".repeat(depth) + "</p>";
    String md = HtmlToMarkdown.convert(bold);
    assertEquals("core", md, "emphasis keeps its text and leaves no markers");
    String tables = "<table><tr><td>".repeat(depth) + "cell" + "</td></tr></table>".repeat(depth);
    String t = HtmlToMarkdown.convert(tables);
    assertTrue(t.contains("cell"), t.length() > 300 ? t.substring(0, 300) : t);
    assertEquals(t, HtmlToMarkdown.normalizeWhitespace(t));
  }

  @Test
  void hugeInputKeepsEveryParagraphAndCodeBlock() {
    StringBuilder html = new StringBuilder();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      html.append("<p>para ").append(i).append(" <b>bold</b> &amp; <code>c").append(i).append("</code></p>\n");
      if (i % 100 == 0) html.append("<pre><code>block ").append(i).append("\n  line\n</code></pre>\n");
    }
    String md = HtmlToMarkdown.convert(html.toString());
    assertEquals(n, md.lines().filter(l -> l.startsWith("para ")).count());
    assertEquals(n / 100, md.lines().filter(l -> l.startsWith("block ")).count());
    assertTrue(md.endsWith("\npara 19998 bold & `c19998`\npara 19999 bold & `c19999`"), "paragraphs one line apart, emphasis without markers");
  }

  @Test
  void codeBlockTextIsKeptExactly() {
    String code = "a  \n\n\n\tb\u00a0c   \n  ```\n";
    String html = "<ul><li><blockquote><pre><code>" + escape(code) + "</code></pre></blockquote></li></ul>";
    String md = HtmlToMarkdown.convert(html);
    assertEquals("* > ````\n  > a  \n  >\n  >\n  > \tb\u00a0c   \n  >   ```\n  > ````", md);
  }

  // ---- random input

  static final String[] INLINE = {"b", "strong", "i", "em", "code", "a", "span", "kbd", "sup", "img", "br"};
  static final String[] BLOCK = {"p", "div", "blockquote", "ul", "ol", "li", "pre", "h2", "h4", "table", "tr", "td", "th", "hr", "script", "style"};
  static final String[] WORDS = {"alpha", "beta", "$x^2$", "a*b", "_u_", "&amp;", "&lt;", "&nbsp;", "\u00e9t\u00e9", "\ud83d\ude80", "\u05e9\u05dc\u05d5\u05dd", "`tick`", "```", "#hash", "> gt", "1.", "*", "# h", "-", "===", "(http://u.example/p?q=1)", "www.u.example"};

  @Test
  void randomInputInvariants() {
    long seed = Long.getLong("html2md.seed", System.nanoTime());
    System.out.println("HtmlToMarkdownTest.randomInputInvariants seed=" + seed + " (rerun with -Dhtml2md.seed=" + seed + ")");
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int round = 0; round < 400; round++) {
      List<String> words = new ArrayList<>();
      String html = randomHtml(rnd, 0, words);
      String md;
      try {
        md = HtmlToMarkdown.convert(html);
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + " round " + round + ": exception on " + html, e);
      }
      String where = "seed " + seed + " round " + round + "\nHTML: " + html + "\nMD:\n" + md;
      assertFalse(md.contains("\r"), where);
      assertEquals(md, HtmlToMarkdown.normalizeWhitespace(md), "normalisation must be idempotent on the output: " + where);
      assertEquals(md, HtmlToMarkdown.convert(html), "deterministic: " + where);
      assertFalse(md.startsWith("\n") || md.endsWith("\n") || md.endsWith(" "), where);
      String outside = outsideCode(md);
      assertFalse(RAW_TAG.matcher(outside).find(), "raw tag left outside code: " + where);
      for (String line : outside.split("\n", -1)) assertFalse(line.endsWith(" ") || line.endsWith("\t"), "trailing space: " + where);
      assertFalse(outside.contains("\n\n\n"), "more than one blank line: " + where);
      for (String w : words) assertTrue(md.contains(w), "lost word " + w + ": " + where);
      assertFalse(md.contains("SCRIPTBODY"), "script content kept: " + where);
      // literal backticks in the text pair up with code delimiters when Markdown is read back, so the
      // URL and emphasis checks read the same HTML with its backticks made quotes
      String plain = HtmlToMarkdown.convert(html.replace('`', '\''));
      String plainOutside = outsideCode(plain);
      assertFalse(plainOutside.contains("http://"), "URL left outside code: " + where + "\nWITHOUT BACKTICKS:\n" + plain);
      assertFalse(plainOutside.contains("**"), "bold markers: " + where + "\nWITHOUT BACKTICKS:\n" + plain);
      assertFalse(md.contains("\u0000"), "soft-break mark left: " + where);
    }
  }

  @Test
  void normalizeWhitespaceIsIdempotentOnArbitraryText() {
    long seed = Long.getLong("html2md.seed", System.nanoTime());
    System.out.println("HtmlToMarkdownTest.normalizeWhitespaceIsIdempotentOnArbitraryText seed=" + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    String alphabet = " \t\n>`x*";
    for (int round = 0; round < 2000; round++) {
      StringBuilder sb = new StringBuilder();
      int len = rnd.nextInt(60);
      for (int i = 0; i < len; i++) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      String once = HtmlToMarkdown.normalizeWhitespace(sb.toString());
      assertEquals(once, HtmlToMarkdown.normalizeWhitespace(once), "seed " + seed + " input [" + sb + "]");
    }
  }

  /** Random, often malformed HTML; {@code words} receives the unique words that must survive. */
  static String randomHtml(SplittableRandom rnd, int depth, List<String> words) {
    StringBuilder sb = new StringBuilder();
    int parts = 1 + rnd.nextInt(depth == 0 ? 8 : 4);
    for (int p = 0; p < parts; p++) {
      int k = rnd.nextInt(10);
      if (k < 4 || depth > 6) {
        sb.append(randomText(rnd, words));
      } else if (k < 7) {
        String tag = INLINE[rnd.nextInt(INLINE.length)];
        if (tag.equals("br") || tag.equals("img")) sb.append('<').append(tag).append(" src=\"x.png\">");
        else sb.append('<').append(tag).append(" href=\"http://x\">").append(randomHtml(rnd, depth + 1, words)).append(rnd.nextInt(8) == 0 ? "" : "</" + tag + ">");
      } else {
        String tag = BLOCK[rnd.nextInt(BLOCK.length)];
        switch (tag) {
          case "hr" -> sb.append("<hr>");
          case "script", "style" -> sb.append('<').append(tag).append(">SCRIPTBODY <p>x</p></").append(tag).append('>');
          case "pre" -> {
            String w = "code" + words.size();
            words.add(w);
            sb.append("<pre><code>").append(w).append("  \n\n\n  ").append(WORDS[rnd.nextInt(WORDS.length)]).append("</code></pre>");
          }
          default -> {
            if (rnd.nextInt(6) == 0) sb.append("<!-- language: lang-js -->");
            sb.append('<').append(tag).append('>').append(randomHtml(rnd, depth + 1, words));
            if (rnd.nextInt(6) != 0) sb.append("</").append(tag).append('>');
          }
        }
      }
      if (rnd.nextInt(5) == 0) sb.append(rnd.nextBoolean() ? "\r\n" : "  \n\n ");
    }
    return sb.toString();
  }

  static String randomText(SplittableRandom rnd, List<String> words) {
    StringBuilder sb = new StringBuilder();
    int n = 1 + rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      if (rnd.nextBoolean()) {
        String w = "w" + words.size();
        words.add(w);
        sb.append(w);
      } else sb.append(WORDS[rnd.nextInt(WORDS.length)]);
      sb.append(rnd.nextInt(4) == 0 ? "\n" : " ");
    }
    return sb.toString();
  }

  /** The output with fenced code blocks and code spans removed (fence detection as in normalizeWhitespace). */
  static String outsideCode(String md) {
    StringBuilder sb = new StringBuilder();
    boolean in = false;
    int len = 0;
    for (String line : md.split("\n", -1)) {
      String body = line.substring(HtmlToMarkdown.containerPrefix(line));
      int run = 0;
      while (run < body.length() && body.charAt(run) == '`') run++;
      if (in) {
        if (run >= len && body.strip().length() == run) in = false;
        continue;
      }
      if (run >= 3 && body.indexOf('`', run) < 0) {
        in = true;
        len = run;
        sb.append("CODE\n"); // the block stands for one line
        continue;
      }
      sb.append(StyleProfile.Features.maskCodeSpans(line)).append('\n');
    }
    if (!sb.isEmpty()) sb.setLength(sb.length() - 1);
    return sb.toString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  // ---- real dumps

  @Test
  @Tag("real-data")
  void convertsRealStackExchangeBodies() throws Exception {
    Path dir = TestData.real("data/stackexchange");
    Assumptions.assumeTrue(Files.isDirectory(dir), "skipped: no real Stack Exchange fragments at " + dir);
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().contains("Posts")).sorted().toList();
    }
    Assumptions.assumeTrue(!files.isEmpty(), "skipped: no *Posts* files in " + dir);
    int bodies = 0;
    int withCode = 0;
    for (Path f : files) {
      for (String body : bodies(f)) {
        String md = HtmlToMarkdown.convert(body);
        bodies++;
        if (body.contains("<pre")) {
          withCode++;
          assertTrue(md.contains("```"), f + ": a <pre> without a fence in\n" + md);
        }
        String outside = outsideCode(md);
        if (!body.contains("&lt;")) assertFalse(RAW_TAG.matcher(outside).find(), f + ": raw tag left in\n" + md);
        assertEquals(md, HtmlToMarkdown.normalizeWhitespace(md));
        if (body.contains("<a ")) assertFalse(md.contains("href="), md);
      }
    }
    assertTrue(bodies > 100, "read only " + bodies + " bodies");
    System.out.println("converted " + bodies + " real bodies, " + withCode + " with code blocks");
  }

  static List<String> bodies(Path posts) throws IOException, javax.xml.stream.XMLStreamException {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    List<String> out = new ArrayList<>();
    try (var in = Files.newInputStream(posts)) {
      XMLStreamReader r = f.createXMLStreamReader(in);
      while (r.hasNext()) {
        if (r.next() == XMLStreamConstants.START_ELEMENT && r.getLocalName().equals("row")) {
          String b = r.getAttributeValue(null, "Body");
          if (b != null) out.add(b);
        }
      }
      r.close();
    }
    return out;
  }
}
