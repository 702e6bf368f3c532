package lima.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lima.core.BadInputException;
import lima.eval.judge.JudgePrompts;
import lima.eval.judge.VerdictParser;
import lima.eval.judge.VerdictParser.Pick;
import lima.eval.judge.VerdictParser.Rating;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParsingTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Because...\\nVerdict: Response 1|FIRST",
        "Verdict: response 2.|SECOND",
        "x\\n**Verdict: Neither**|NEITHER",
        "x\\nVerdict: Tie|NEITHER",
        "x\\nFinal verdict - Response 2\\n\\n|SECOND",
        "Verdict: Response 1 is better|",
        "I prefer the first one.|",
        "Verdict: Response 1\\nbut actually maybe not|",
      })
  void pairwiseVerdicts(String answer, String expected) {
    Pick p = VerdictParser.pairwise(answer.replace("\\n", "\n"));
    assertEquals(expected == null ? null : Pick.valueOf(expected), p);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"r\\n5|5", "r\\n**6**|6", "r\\nRating: 3|3", "r\\n4/6|4", "r\\n7|", "r\\nI give it 5|", "5 because|", "r\\n3.|3"})
  void likertScores(String answer, Integer expected) {
    assertEquals(expected, VerdictParser.likert(answer.replace("\\n", "\n")));
  }

  @Test
  void absoluteRatings() {
    assertEquals(Rating.EXCELLENT, VerdictParser.absolute("fine\nRating: Excellent"));
    assertEquals(Rating.FAIL, VerdictParser.absolute("Rating: fail."));
    assertNull(VerdictParser.absolute("Rating: Good"));
  }

  @Test
  void promptsFillLiterallyAndHaveStableVersions() {
    String f = JudgePrompts.PAIRWISE.fill(Map.of("question", "Q {response_1}", "response_1", "one", "response_2", "two"));
    assertTrue(f.contains("[Question]\nQ {response_1}\n"), "braces inside a filled text stay as they are");
    assertTrue(f.contains("[Response 1]\none\n") && f.contains("[Response 2]\ntwo\n"));
    assertNotEquals(JudgePrompts.PAIRWISE.sha256(), JudgePrompts.ABSOLUTE.sha256());
    assertTrue(JudgePrompts.LIKERT.template().contains("number alone, on the \\\nlast line") || JudgePrompts.LIKERT.template().contains("last line"));
  }

  @Test
  void responsesInEveryAcceptedSpelling() throws Exception {
    Path f = tmp.resolve("gen.jsonl");
    Files.writeString(f, """
        {"id":"a","response":"r1"}
        {"prompt_id":"b","output":"r2"}
        {"id":3,"completion":"r3"}
        {"conversations":["the prompt","r4"],"id":"d","source":"x"}
        """);
    var r = Responses.read(f, null);
    assertEquals("gen", r.name());
    assertEquals(Map.of("a", "r1", "b", "r2", "3", "r3", "d", "r4"), r.byId());
    Files.writeString(f, "{\"id\":\"a\",\"response\":\"r1\"}\n{\"id\":\"b\"}\n");
    var e = assertThrows(BadInputException.class, () -> Responses.read(f, null));
    assertTrue(e.getMessage().contains("gen.jsonl:2") && e.getMessage().contains("no response"), e.getMessage());
    Files.writeString(f, "{\"id\":\"a\",\"response\":\"r1\"}\n{\"id\":\"a\",\"response\":\"r2\"}\n");
    assertTrue(assertThrows(BadInputException.class, () -> Responses.read(f, null)).getMessage().contains("appears twice"));
  }

  @Test
  void thresholds() {
    assertFalse(Threshold.parse("3").exceeded(3, 100));
    assertTrue(Threshold.parse("3").exceeded(4, 100));
    assertFalse(Threshold.parse("5%").exceeded(5, 100));
    assertTrue(Threshold.parse("0.05").exceeded(6, 100));
    assertThrows(lima.core.UserException.class, () -> Threshold.parse("lots"));
    assertThrows(lima.core.UserException.class, () -> Threshold.parse("150%"));
  }
}
