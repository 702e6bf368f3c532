package lima.train.serve;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextStreamTest {
  /** ids are chars; 0xFFFD-producing "half" characters are simulated by id -1 followed by the char. */
  static String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == -1) sb.append(i == ids.length - 1 ? '\uFFFD' : "");
      else sb.append((char) ids[i]);
    }
    return sb.toString();
  }

  static List<String> run(String text, List<String> stops, StringBuilder out) {
    TextStream ts = new TextStream(TextStreamTest::decode, stops);
    List<String> pieces = new ArrayList<>();
    for (char c : text.toCharArray()) {
      String p = ts.push(c);
      pieces.add(p);
      out.append(p);
      if (ts.stopped()) return pieces;
    }
    String rest = ts.finish();
    pieces.add(rest);
    out.append(rest);
    return pieces;
  }

  @Test
  void withoutStopsEverythingIsSentAsItComes() {
    StringBuilder out = new StringBuilder();
    List<String> pieces = run("hello", List.of(), out);
    assertEquals(List.of("h", "e", "l", "l", "o", ""), pieces);
    assertEquals("hello", out.toString());
  }

  @Test
  void stopStringIsCutAndNeverSentEvenAcrossTokens() {
    StringBuilder out = new StringBuilder();
    List<String> pieces = run("abc<END>xyz", List.of("<END>"), out);
    assertEquals("abc", out.toString());
    // '<' is held back until it turns out to start the stop string.
    assertEquals(List.of("a", "b", "c", "", "", "", "", ""), pieces);
  }

  @Test
  void aPartialStopThatDoesNotCompleteIsReleased() {
    StringBuilder out = new StringBuilder();
    List<String> pieces = run("a<EN!b", List.of("<END>"), out);
    assertEquals("a<EN!b", out.toString());
    assertEquals("<EN!", pieces.get(4));
  }

  @Test
  void earliestOfSeveralStopsWins() {
    StringBuilder out = new StringBuilder();
    run("one. two! three", List.of("!", "."), out);
    assertEquals("one", out.toString());
  }

  @Test
  void incompleteCharacterIsHeldBack() {
    TextStream ts = new TextStream(TextStreamTest::decode, List.of());
    assertEquals("a", ts.push('a'));
    assertEquals("", ts.push(-1));
    assertEquals("é", ts.push('é'));
  }

  @Test
  void randomTextsWithStopsMatchTheOneShotCut() {
    long seed = System.nanoTime();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int round = 0; round < 500; round++) {
      StringBuilder sb = new StringBuilder();
      int len = rng.nextInt(0, 30);
      for (int i = 0; i < len; i++) sb.append("ab.!"  .charAt(rng.nextInt(4)));
      String text = sb.toString();
      List<String> stops = List.of("a.b", "!!");
      int cut = text.length();
      for (String s : stops) {
        int i = text.indexOf(s);
        if (i >= 0) cut = Math.min(cut, i);
      }
      StringBuilder out = new StringBuilder();
      run(text, stops, out);
      assertEquals(text.substring(0, cut), out.toString(), "seed " + seed + " text " + text);
    }
  }

  @Test
  void emptyStopStringIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TextStream(TextStreamTest::decode, List.of("")));
  }
}
