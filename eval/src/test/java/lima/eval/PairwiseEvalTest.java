package lima.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.ExitCodes;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.FakeJudgeServer.Reply;
import lima.eval.judge.JudgeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairwiseEvalTest {
  @TempDir Path tmp;
  static final String KEY = "sk-PAIRWISE-SECRET-987";

  /**
   * A judge that prefers the response containing "GOOD"; on prompts mentioning "BIASED" it always
   * picks the first shown; on prompts mentioning "MUMBLE" it gives no verdict.
   */
  static Reply judge(FakeJudgeServer.Seen s) {
    String u = s.userMessage();
    String q = between(u, "[Question]", "[Response 1]");
    String r1 = between(u, "[Response 1]", "[Response 2]");
    String r2 = between(u, "[Response 2]", "First explain");
    if (q.contains("MUMBLE")) return Reply.content("Both have merits and I cannot decide.");
    if (q.contains("BIASED")) return Reply.content("The first one reads better.\n**Verdict: Response 1**");
    boolean g1 = r1.contains("GOOD"), g2 = r2.contains("GOOD");
    String v = g1 == g2 ? "Neither" : g1 ? "Response 1" : "Response 2";
    return Reply.content("Reasoning here.\nVerdict: " + v);
  }

  static String between(String s, String from, String to) {
    int i = s.indexOf(from), j = s.indexOf(to, i + 1);
    return s.substring(i + from.length(), j);
  }

  Map<String, String> prompts() {
    Map<String, String> p = new LinkedHashMap<>();
    for (int i = 1; i <= 8; i++) p.put("q" + i, "Question " + i + (i == 7 ? " BIASED" : "") + (i == 8 ? " MUMBLE" : ""));
    p.put("q9", "Question 9, which B never answered");
    return p;
  }

  PairwiseEval.Config config(String url, String maxUnparseable) throws Exception {
    Path pr = EvalFixtures.prompts(tmp, prompts());
    Map<String, String> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
    // q1-q3: A GOOD (A wins); q4: B GOOD (A loses); q5-q6: both plain (tie); q7 biased (tie); q8 mumble.
    String[] as = {"GOOD long answer one", "GOOD answer two, long", "GOOD three", "plain four", "plain five", "plain six", "seven", "eight", "nine"};
    String[] bs = {"b1", "b2 plain and much longer than A's answer here", "b3", "GOOD four, longer than A", "plain 5", "plain 6", "seven", "eight"};
    for (int i = 0; i < as.length; i++) a.put("q" + (i + 1), as[i]);
    for (int i = 0; i < bs.length; i++) b.put("q" + (i + 1), bs[i]);
    a.put("not-a-prompt", "stray");
    JudgeOptions j = new JudgeOptions(url, "fake-judge", KEY, 3, 0, Duration.ofSeconds(5), 1, Duration.ofMillis(1), Duration.ofSeconds(1), 256, 42);
    return new PairwiseEval.Config(pr, EvalFixtures.responses(tmp, "lima", a), null, EvalFixtures.responses(tmp, "davinci", b), null, j, null, Threshold.parse(maxUnparseable), 2000);
  }

  @Test
  void bothOrdersTiesOnDisagreementAndResumesFromTheCache() throws Exception {
    try (var server = new FakeJudgeServer(PairwiseEvalTest::judge)) {
      Path out = tmp.resolve("out");
      var r = PairwiseEval.run(config(server.url(), "2"), new RunDir.Options(out, false, 42, -1));
      // 8 paired prompts, two orders each; q7 and q8 have equal A and B texts, so both orders are the
      // same request and are sent once
      assertEquals(14, server.requests());
      assertEquals(8, r.items());
      assertEquals(7, r.labelled());
      assertEquals(1, r.missing());
      assertEquals(2, r.unparseable());
      // wins q1 q2 q3; loss q4; ties q5 q6 (both neither) and q7 (orders disagree)
      assertEquals(List.of(3, 3, 1), List.of(r.row().wins(), r.row().ties(), r.row().losses()));
      assertEquals(3.0 / 7, r.row().win().estimate(), 1e-12);

      JsonNode rep = Json.MAPPER.readTree(out.resolve("report.json").toFile());
      JsonNode pos = rep.path("details").path("position_bias");
      // parsed answers: 14 (q8 twice unparseable); q7 picked first twice; decisive picks: q1-q4 one first + one second each
      assertEquals(14, pos.path("parsed_answers").asInt());
      assertEquals(6, pos.path("picked_first_shown").asInt());
      assertEquals(4, pos.path("picked_second_shown").asInt());
      assertEquals(1, pos.path("items_orders_disagree").asInt());
      JsonNode len = rep.path("details").path("length_bias");
      // decisive: q1 (A longer, A won), q2 (B longer, A won), q3 (A longer, A won), q4 (B longer, B won): longer won 3 of 4
      assertEquals(4, len.path("decisive_items_with_different_lengths").asInt());
      assertEquals(0.75, len.path("longer_won_share").path("estimate").asDouble(), 1e-12);
      assertEquals(1, rep.path("details").path("items").path("unknown_ids").asInt(), "not-a-prompt");

      List<String> labels = Files.readAllLines(out.resolve("labels.jsonl"));
      assertEquals(7, labels.size());
      assertTrue(labels.get(6).contains("\"id\":\"q7\"") && labels.get(6).contains("\"label\":\"tie\""), labels.get(6));
      String judg = Files.readString(out.resolve("judgments.jsonl"));
      assertTrue(judg.contains("I cannot decide"), "raw unparseable text kept");
      assertTrue(judg.contains("orders_disagree"));
      for (String f : List.of("report.md", "win-tie-loss.png", "win-tie-loss.svg", "manifest.json", "cache.jsonl"))
        assertTrue(Files.isRegularFile(out.resolve(f)), f);
      JsonNode manifest = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
      assertEquals("pairwise-v1", manifest.path("config").path("judge_prompt").path("id").asText());
      assertEquals(64, manifest.path("config").path("judge_prompt").path("sha256").asText().length());
      assertFalse(EvalFixtures.allText(out).contains(KEY), "the API key is nowhere in the output folder");
      String before = Files.readString(out.resolve("report.json"));

      var again = PairwiseEval.run(config(server.url(), "2"), new RunDir.Options(out, true, 42, -1));
      assertEquals(14, server.requests(), "a re-run asks nothing: every answer comes from OUT/cache.jsonl");
      assertEquals(14, again.cacheHits());
      assertEquals(before, Files.readString(out.resolve("report.json")), "same inputs and seed, same report");
    }
  }

  @Test
  void tooManyUnparseableVerdictsFailLoudlyAfterWritingTheEvidence() throws Exception {
    try (var server = new FakeJudgeServer(PairwiseEvalTest::judge)) {
      Path out = tmp.resolve("out");
      UserException e = assertThrows(UserException.class, () -> PairwiseEval.run(config(server.url(), "10%"), new RunDir.Options(out, false, 42, -1)));
      assertEquals(ExitCodes.DATA, e.exitCode());
      assertTrue(e.getMessage().contains("2 of 16 judge answers") && e.getMessage().contains("--max-unparseable 10%"), e.getMessage());
      assertTrue(Files.readString(out.resolve("judgments.jsonl")).contains("I cannot decide"));
    }
  }

  @Test
  void failedRequestsFailTheRunAndAreRetriedOnResume() throws Exception {
    try (var server = new FakeJudgeServer(s -> s.userMessage().contains("Question 3") ? Reply.status(500) : judge(s))) {
      Path out = tmp.resolve("out");
      UserException e = assertThrows(UserException.class, () -> PairwiseEval.run(config(server.url(), "2"), new RunDir.Options(out, false, 42, -1)));
      assertTrue(e.getMessage().contains("2 of 16 judge requests failed"), e.getMessage());
      int first = server.requests();
      long q3 = server.seen().stream().filter(x -> x.userMessage().contains("Question 3")).count();
      assertEquals(12, first - q3, "every other distinct request answered once");
      assertTrue(q3 >= 2, "both orders of q3 were tried: " + q3);
      server.script(PairwiseEvalTest::judge);
      var r = PairwiseEval.run(config(server.url(), "2"), new RunDir.Options(out, true, 42, -1));
      assertEquals(first + 2, server.requests(), "only the two failed requests are asked again");
      assertEquals(3, r.row().wins());
    }
  }

  @Test
  void outputsDoNotDependOnConcurrency() throws Exception {
    try (var server = new FakeJudgeServer(PairwiseEvalTest::judge)) {
      var base = config(server.url(), "2");
      Map<Integer, List<String>> files = new java.util.HashMap<>();
      for (int conc : new int[] {1, 6}) {
        var j = base.judge().withPacing(conc, 0, Duration.ofSeconds(5), 1, Duration.ofMillis(1));
        var c = new PairwiseEval.Config(base.prompts(), base.a(), null, base.b(), null, j, null, base.maxUnparseable(), 500);
        Path out = tmp.resolve("out-" + conc);
        PairwiseEval.run(c, new RunDir.Options(out, false, 42, -1));
        files.put(conc, List.of(Files.readString(out.resolve("report.json")), Files.readString(out.resolve("labels.jsonl")), Files.readString(out.resolve("judgments.jsonl"))));
      }
      assertEquals(files.get(1), files.get(6));
      assertEquals(28, server.requests());
    }
  }
}
