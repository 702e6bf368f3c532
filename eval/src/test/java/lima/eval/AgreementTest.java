package lima.eval;

import static org.junit.jupiter.api.Assertions.*;
import static lima.eval.Outcome.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.Json;
import lima.core.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgreementTest {
  @TempDir Path tmp;

  static Map<String, Outcome> labels(Object... idAndLabel) {
    Map<String, Outcome> m = new LinkedHashMap<>();
    for (int i = 0; i < idAndLabel.length; i += 2) m.put((String) idAndLabel[i], (Outcome) idAndLabel[i + 1]);
    return m;
  }

  @Test
  void pointsFollowThePaper() {
    assertEquals(1.0, TieDiscountedAgreement.points(WIN, WIN));
    assertEquals(1.0, TieDiscountedAgreement.points(TIE, TIE));
    assertEquals(0.5, TieDiscountedAgreement.points(WIN, TIE));
    assertEquals(0.5, TieDiscountedAgreement.points(TIE, LOSS));
    assertEquals(0.0, TieDiscountedAgreement.points(WIN, LOSS));
  }

  @Test
  void handWorkedExampleOnSharedItemsOnly() {
    // shared: p1 (win/win 1), p2 (win/tie .5), p3 (loss/win 0), p4 (tie/tie 1); p5 and p6 not shared.
    var x = labels("p1", WIN, "p2", WIN, "p3", LOSS, "p4", TIE, "p5", WIN);
    var y = labels("p4", TIE, "p3", WIN, "p2", TIE, "p1", WIN, "p6", LOSS);
    assertEquals(2.5 / 4, TieDiscountedAgreement.score(x, y), 1e-12);
    assertEquals(TieDiscountedAgreement.score(x, y), TieDiscountedAgreement.score(y, x), 1e-12);
    assertTrue(Double.isNaN(TieDiscountedAgreement.score(labels("a", WIN), labels("b", WIN))));
  }

  static Path write(Path f, List<Labels> ls) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (Labels l : ls) sb.append(Json.MAPPER.writeValueAsString(l.toJson())).append('\n');
    Files.writeString(f, sb);
    return f;
  }

  @Test
  void everyPairIncludingTheJudgeAndSwappedOrientation() throws Exception {
    Path people = write(tmp.resolve("people.jsonl"), List.of(
        new Labels("p1", "ann", WIN, "lima", "gpt"), new Labels("p2", "ann", TIE, "lima", "gpt"), new Labels("p3", "ann", LOSS, "lima", "gpt"),
        new Labels("p1", "ben", WIN, "lima", "gpt"), new Labels("p2", "ben", WIN, "lima", "gpt"), new Labels("p3", "ben", WIN, "lima", "gpt")));
    // the judge's file has A and B the other way round: its "win" for gpt is a loss for lima
    Path judge = write(tmp.resolve("judge.jsonl"), List.of(
        new Labels("p1", "judge:gpt-4", LOSS, "gpt", "lima"), new Labels("p2", "judge:gpt-4", TIE, "gpt", "lima"), new Labels("p3", "judge:gpt-4", TIE, "gpt", "lima")));
    var r = Agreement.run(List.of(people, judge), new RunDir.Options(tmp.resolve("out"), false, 1, -1), 1000);
    var rows = r.report().agreement();
    assertEquals(3, rows.size());
    // ann/ben: 1 + .5 + 0 ; ann/judge: (win,win) 1 + (tie,tie) 1 + (loss,tie) .5 ; ben/judge: 1 + .5 + .5
    assertEquals("ann", rows.get(0).rater1());
    assertEquals(1.5 / 3, rows.get(0).agreement().estimate(), 1e-12);
    assertEquals("human-human", rows.get(0).kind());
    assertEquals(2.5 / 3, rows.get(1).agreement().estimate(), 1e-12);
    assertEquals("human-judge", rows.get(1).kind());
    assertEquals(2.0 / 3, rows.get(2).agreement().estimate(), 1e-12);
    assertTrue(Files.isRegularFile(tmp.resolve("out/agreement.png")));
    assertTrue(Files.readString(tmp.resolve("out/report.md")).contains("| ann | ben | human-human | 3 | 50.0%"));
  }
}
