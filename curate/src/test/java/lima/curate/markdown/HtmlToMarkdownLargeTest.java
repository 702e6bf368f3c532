package lima.curate.markdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A single 50 MB body (the worst case): converted without error, nothing lost. Slow: make test-all. */
@Tag("slow")
class HtmlToMarkdownLargeTest {
  @Test
  void fiftyMegabyteBody() {
    StringBuilder html = new StringBuilder(52 << 20);
    int paragraphs = 0;
    int blocks = 0;
    while (html.length() < 50 << 20) {
      html.append("<p>Paragraph ").append(paragraphs++).append(" with <b>bold</b>, <code>x &lt; y</code> and a <a href=\"https://e.x\">link</a>.</p>\n");
      if (paragraphs % 50 == 0) {
        html.append("<ul><li>item<ul><li>nested <em>item</em></li></ul></li></ul>\n<pre class=\"lang-java\"><code>int i = ")
            .append(blocks++).append(";\n  // &amp;\n</code></pre>\n<blockquote><p>quoted</p></blockquote>\n");
      }
    }
    long t0 = System.nanoTime();
    String md = HtmlToMarkdown.convert(html.toString());
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("html2md: %.1f MB in %.2f s (%.1f MB/s), %d paragraphs%n", html.length() / 1e6, s, html.length() / 1e6 / s, paragraphs);
    assertEquals(paragraphs, md.lines().filter(l -> l.startsWith("Paragraph ")).count());
    assertEquals(blocks, md.lines().filter(l -> l.equals("```java")).count());
    assertTrue(md.endsWith(".") || md.endsWith("quoted") || md.endsWith("```"), md.substring(md.length() - 100));
  }
}
