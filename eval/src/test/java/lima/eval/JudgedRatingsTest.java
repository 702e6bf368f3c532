package lima.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.FakeJudgeServer.Reply;
import lima.eval.judge.JudgeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgedRatingsTest {
  @TempDir Path tmp;

  JudgeOptions judge(String url) {
    return new JudgeOptions(url, "fake-judge", null, 4, 0, Duration.ofSeconds(5), 0, Duration.ofMillis(1), Duration.ofSeconds(1), 64, 42);
  }

  Map<String, String> prompts() {
    Map<String, String> p = new LinkedHashMap<>();
    for (int i = 1; i <= 4; i++) p.put("q" + i, "question " + i);
    return p;
  }

  @Test
  void likertMeansOverPromptsOfSampleMeans() throws Exception {
    // The judge scores "strong" answers 5 or 6 depending on the sample's seed (so every prompt gets
    // the same samples), "weak" ones 2, and answers one weak sample with words only (unparseable).
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    try (var server =
        new FakeJudgeServer(
            s -> {
              String u = s.userMessage();
              int seed = s.body().path("seed").asInt();
              int k = calls.computeIfAbsent(u, x -> new AtomicInteger()).getAndIncrement();
              assertTrue(s.body().path("temperature").asDouble() > 0);
              if (u.contains("strong")) return Reply.content("Good.\n" + (seed % 2 == 0 ? 5 : 6));
              if (u.contains("weak q4") && k == 0) return Reply.content("It is fine, I would say a two.");
              return Reply.content("Reasoning...\n**2**");
            })) {
      Map<String, String> strong = new LinkedHashMap<>(), weak = new LinkedHashMap<>();
      for (String id : prompts().keySet()) {
        strong.put(id, "strong " + id);
        weak.put(id, "weak " + id);
      }
      Path pr = EvalFixtures.prompts(tmp, prompts());
      var models = List.of(Responses.read(EvalFixtures.responses(tmp, "strong", strong), null), Responses.read(EvalFixtures.responses(tmp, "weak", weak), null));
      var r = LikertEval.run(pr, models, judge(server.url()), null, 4, 0.7, Threshold.parse("1"), 500, new RunDir.Options(tmp.resolve("out"), false, 42, -1), null);
      assertEquals(2 * 4 * 4, server.requests());
      assertEquals(1, r.unparseable());
      var rows = r.report().likert();
      // every strong prompt gets the same 4 samples (seeds are per sample index): the mean of those
      long fives = 0;
      for (int s = 0; s < 4; s++) fives += (lima.core.Hashing.key(42, "likert-sample:" + s) & 0x7fffffff) % 2 == 0 ? 1 : 0;
      double strongMean = (5.0 * fives + 6.0 * (4 - fives)) / 4;
      assertEquals(strongMean, rows.get(0).mean().estimate(), 1e-12);
      assertEquals(strongMean, rows.get(0).mean().lo(), 1e-12, "all prompts equal: degenerate interval");
      assertEquals(2.0, rows.get(1).mean().estimate(), 1e-12);
      assertEquals(15, rows.get(1).scores());
      assertEquals(1, rows.get(1).unparseable());
      assertTrue(Files.isRegularFile(tmp.resolve("out/likert.png")));
      assertThrows(UserException.class, () -> LikertEval.run(pr, models, judge(server.url()), null, 4, 0.7, Threshold.parse("0"), 500, new RunDir.Options(tmp.resolve("out"), true, 42, -1), null));
      assertEquals(32, server.requests(), "the second run came from the cache");
    }
  }

  @Test
  void absoluteFromAJudge() throws Exception {
    try (var server =
        new FakeJudgeServer(
            s -> {
              String u = s.userMessage();
              if (u.contains("answer 1")) return Reply.content("Wrong.\nRating: Fail");
              if (u.contains("answer 2")) return Reply.content("OK.\nRating: pass.");
              return Reply.content("Great.\n**Rating: Excellent**");
            })) {
      Map<String, String> resp = new LinkedHashMap<>();
      for (String id : List.of("q1", "q2", "q3")) resp.put(id, "answer " + id.substring(1));
      var r = AbsoluteEval.judge(EvalFixtures.prompts(tmp, prompts()), List.of(Responses.read(EvalFixtures.responses(tmp, "m", resp), null)), judge(server.url()), null, Threshold.parse("0"), 500, new RunDir.Options(tmp.resolve("out"), false, 1, -1), null);
      var row = r.report().absolute().get(0);
      assertEquals(List.of(1, 1, 1), List.of(row.fails(), row.passes(), row.excellents()));
      assertEquals(3, row.n());
      JsonNode rep = Json.MAPPER.readTree(tmp.resolve("out/report.json").toFile());
      assertEquals("absolute-v1", rep.path("details").path("judge").path("prompt").path("id").asText());
      assertTrue(Files.readString(tmp.resolve("out/rejects.jsonl")).contains("missing_response"), "q4 has no response");
    }
  }

  @Test
  void absoluteFromASheet() throws Exception {
    Path s = tmp.resolve("dora.csv");
    Files.writeString(s, "id,rating\nq1,Excellent\nq2,pass\nq3,\nq4,FAIL\nq5,Excellent\n");
    Path prompts = EvalFixtures.prompts(tmp, Map.of("q1", "a", "q2", "b", "q3", "c", "q4", "d", "q5", "e"));
    var r = AbsoluteEval.sheets(List.of(s), prompts, "lima", 500, new RunDir.Options(tmp.resolve("out"), false, 1, -1));
    var row = r.report().absolute().get(0);
    assertEquals("lima", row.model());
    assertEquals("dora", row.rater());
    assertEquals(List.of(1, 1, 2), List.of(row.fails(), row.passes(), row.excellents()));
    assertEquals(0.5, row.excellent().estimate(), 1e-12);
  }

  @Test
  void absoluteSheetsRejectRepeatedEmptyAndUnknownIdsAsSheetImportDoes() throws Exception {
    Path prompts = EvalFixtures.prompts(tmp, Map.of("q1", "a", "q2", "b", "q3", "c"));
    Path s = tmp.resolve("erin.csv");
    Files.writeString(s, "id,model,rating\nq1,m,Excellent\nq2,m,Pass\nq1,m,Fail\n,m,Pass\nq9,m,Excellent\nq3,m,Fail\nq1,other,Fail\n");
    // The same sheet twice: every row of the second copy rates again what the first one rated.
    var r = AbsoluteEval.sheets(List.of(s, s), prompts, "lima", 500, new RunDir.Options(tmp.resolve("out"), false, 1, -1));
    var m = r.report().absolute().get(0);
    assertEquals("m", m.model());
    assertEquals(3, m.n(), "q1 once, q2, q3: the repeat of q1, the empty id and q9 are not counted");
    assertEquals(List.of(1, 1, 1), List.of(m.fails(), m.passes(), m.excellents()));
    assertEquals(1, r.report().absolute().get(1).n(), "another model's rating of q1 is its own");
    String rejects = Files.readString(tmp.resolve("out/rejects.jsonl"));
    assertTrue(rejects.contains("rated m's response to prompt q1 twice"), rejects);
    assertTrue(rejects.contains("the id is empty"), rejects);
    assertTrue(rejects.contains("id \\\"q9\\\" is not a prompt of"), rejects);
    assertEquals(3 + 7, Files.readString(tmp.resolve("out/rejects.jsonl")).lines().count(), "3 bad rows in the first copy, all 7 in the second");
    // With --max-errors 0 the first bad row stops the run, naming file and row.
    var e = assertThrows(lima.core.BadInputException.class, () -> AbsoluteEval.sheets(List.of(s), prompts, "lima", 500, new RunDir.Options(tmp.resolve("out2"), false, 1, 0)));
    assertTrue(e.getMessage().contains("erin.csv: row 3") && e.getMessage().contains("twice"), e.getMessage());
  }

  @Test
  void withNoParseableJudgmentReportsSayNoJudgmentsAndWriteNull() throws Exception {
    try (var server = new FakeJudgeServer(s -> Reply.content("I would rather not say."))) {
      Path pr = EvalFixtures.prompts(tmp, prompts());
      Map<String, String> resp = new LinkedHashMap<>();
      for (String id : prompts().keySet()) resp.put(id, "answer " + id);
      Responses m = Responses.read(EvalFixtures.responses(tmp, "m", resp), null);
      Threshold all = Threshold.parse("100%");

      var pw = PairwiseEval.run(new PairwiseEval.Config(pr, EvalFixtures.responses(tmp, "a", resp), null, EvalFixtures.responses(tmp, "b", Map.of("q1", "x", "q2", "y")), null, judge(server.url()), null, all, 200),
          new RunDir.Options(tmp.resolve("pw"), false, 1, -1));
      assertEquals(0, pw.labelled());
      assertNoNaN(tmp.resolve("pw"));
      JsonNode row = Json.MAPPER.readTree(tmp.resolve("pw/report.json").toFile()).path("pairwise").path(0);
      assertTrue(row.has("win") && row.path("win").isNull(), row.toString());
      assertTrue(Files.readString(tmp.resolve("pw/report.md")).contains("| 0 | no judgments | no judgments | no judgments |"));

      var ab = AbsoluteEval.judge(pr, List.of(m), judge(server.url()), null, all, 200, new RunDir.Options(tmp.resolve("abs"), false, 1, -1), null);
      assertEquals(1, ab.report().absolute().size(), "the model keeps its row");
      assertEquals(0, ab.report().absolute().get(0).n());
      assertNoNaN(tmp.resolve("abs"));
      assertTrue(Json.MAPPER.readTree(tmp.resolve("abs/report.json").toFile()).path("absolute").path(0).path("excellent").isNull());
      assertTrue(Files.readString(tmp.resolve("abs/report.md")).contains("| m | judge:fake-judge | 0 | no judgments | no judgments | no judgments |"));

      var lk = LikertEval.run(pr, List.of(m), judge(server.url()), null, 2, 0.7, all, 200, new RunDir.Options(tmp.resolve("lk"), false, 1, -1), null);
      assertEquals(1, lk.report().likert().size());
      assertNull(lk.report().likert().get(0).mean());
      assertNoNaN(tmp.resolve("lk"));
      assertTrue(Json.MAPPER.readTree(tmp.resolve("lk/report.json").toFile()).path("likert").path(0).path("mean").isNull());
      assertTrue(Files.readString(tmp.resolve("lk/report.md")).contains("| m | 0 | 2 | 0 | 8 | no judgments |"));
    }
  }

  static void assertNoNaN(Path dir) throws Exception {
    for (String f : List.of("report.json", "report.md", "stats.json")) {
      String text = Files.readString(dir.resolve(f));
      assertFalse(text.contains("NaN"), dir.resolve(f) + ":\n" + text);
    }
  }
}
