package lima.curate.markdown;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The measuring stick itself: each feature found where Markdown has it, and not elsewhere. */
class StyleProfileTest {
  static StyleProfile.Features f(String md) {
    return StyleProfile.Features.of(md);
  }

  @Test
  void emphasisIsMarkupNotEveryStarOrUnderscore() {
    for (String md : List.of("a **bold** word", "*it*", "***both***", "__init__ here", "_x_", "> quoted **bold**"))
      assertTrue(f(md).emphasis(), md);
    for (String md : List.of("2*3*4", "snake_case_name", "* item\n* item", "earlier*\nnext", "`**code**`", "$a_1 + b_2$", "$$\nx_1 = y_2\n$$", "```\n**x**\n```", "a * b * c"))
      assertFalse(f(md).emphasis(), md);
  }

  @Test
  void urlsOutsideCodeOnly() {
    assertTrue(f("see http://x.example/a").url());
    assertTrue(f("host www.example.com:80").url());
    assertFalse(f("`curl http://x`").url());
    assertFalse(f("```\nwget https://x\n```").url());
    assertFalse(f("Norse-Mythology.org").url());
  }

  @Test
  void blocksAsMarkdownReadsThem() {
    assertTrue(f("# Title").heading());
    assertTrue(f("> ## Quoted heading").heading());
    assertFalse(f("###NoSpace").heading());
    assertFalse(f("```\n# comment\n```").heading());
    assertTrue(f("text\n> quote").quote());
    assertFalse(f("```\n>>> prompt\n```").quote());
    assertTrue(f("1. one").list());
    assertTrue(f("> * quoted item").list());
    assertFalse(f("* * *").list());
    // released style: code on the fence line; ours: the fence alone. Inline triple backticks are no block.
    assertTrue(f("text\n```import os\nos.getcwd()\n```").codeBlock());
    assertTrue(f("text\n```python\nx\n```").codeBlock());
    assertFalse(f("```ls``` lists files").codeBlock());
  }

  @Test
  void lineBreaksSingleAndBlank() {
    StyleProfile.Features x = f("\n\na\nb\n\n\nc\n```\ncode\n\nmore\n```\nd\n");
    assertEquals(5, x.singleBreaks(), "a-b, c-```, ```-code, more-```, ```-d");
    assertEquals(2, x.blankBreaks(), "b-c and code-more");
    assertEquals(3, x.proseSingleBreaks(), "a-b, c-CODE, CODE-d");
    assertEquals(1, x.proseBlankBreaks(), "b-c");
  }

  @Test
  void profileCountsResponsesAndTransitions() {
    List<String> rs = List.of("a\nb\n\n* c\n* d\n\ne", "**x**\n## h\ny", "plain");
    StyleProfile p = StyleProfile.of(rs);
    assertEquals(3, p.responses());
    assertEquals(1, p.emphasis());
    assertEquals(1, p.heading());
    assertEquals(1, p.list());
    assertEquals(1.0 / 3, p.share(p.list()), 1e-12);
    var t = StyleProfile.transitions(rs);
    assertArrayEquals(new long[] {1, 0}, t.get("PARAGRAPH > PARAGRAPH"));
    assertArrayEquals(new long[] {0, 1}, t.get("PARAGRAPH > LIST"));
    assertArrayEquals(new long[] {1, 0}, t.get("LIST > LIST"));
    assertArrayEquals(new long[] {0, 1}, t.get("LIST > PARAGRAPH"));
    assertArrayEquals(new long[] {1, 0}, t.get("PARAGRAPH > HEADING"));
    assertArrayEquals(new long[] {1, 0}, t.get("HEADING > PARAGRAPH"));
  }
}
