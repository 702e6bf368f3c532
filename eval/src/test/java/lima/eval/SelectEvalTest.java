package lima.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.FakeJudgeServer.Reply;
import lima.eval.experiments.CheckpointSelection;
import lima.eval.experiments.SelectEval;
import lima.eval.judge.JudgeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lima eval select} end to end with a scripted judge on a real socket and a scripted answerer. */
class SelectEvalTest {
  @TempDir Path tmp;

  static final Pattern EPOCH = Pattern.compile("answer of epoch-(\\d+)");

  static JudgeOptions judge(String url) {
    return new JudgeOptions(url, "fake-judge", null, 4, 0, Duration.ofSeconds(5), 0, Duration.ofMillis(1), Duration.ofSeconds(1), 64, 42);
  }

  Path setUp(int from, int to) throws Exception {
    Path run = tmp.resolve("run");
    for (int e = from; e <= to; e++) {
      Files.createDirectories(run.resolve("epoch-" + e));
      Files.writeString(run.resolve("epoch-" + e).resolve("config.json"), "{\"epoch\":" + e + "}");
    }
    return run;
  }

  /** Writes "answer of epoch-K to ID" for every prompt; counts the calls. */
  static SelectEval.Answerer answerer(AtomicInteger calls) {
    return (ck, prompts, out) -> {
      calls.incrementAndGet();
      Map<String, String> r = new LinkedHashMap<>();
      for (String id : Prompts.read(prompts).keySet()) r.put(id, "answer of " + ck.getFileName() + " to " + id);
      StringBuilder sb = new StringBuilder();
      for (var e : r.entrySet()) sb.append(Json.MAPPER.writeValueAsString(Map.of("id", e.getKey(), "response", e.getValue()))).append('\n');
      Files.writeString(out, sb.toString());
    };
  }

  static int epochIn(String text) {
    Matcher m = EPOCH.matcher(text);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  @Test
  void likertPicksTheBestEpochAndBreaksTiesTowardTheEarlierOne() throws Exception {
    Path run = setUp(4, 10);
    Path prompts = EvalFixtures.prompts(tmp, Map.of("p1", "Question one?", "p2", "Question two?", "p3", "Question three?"));
    // epoch: 5 -> 3, 6 -> 5, 7 -> 5 (tie with 6), 8 -> 4; 9 and 10 -> 2. Epoch 4 is outside the range.
    Map<Integer, Integer> score = Map.of(5, 3, 6, 5, 7, 5, 8, 4, 9, 2, 10, 2);
    AtomicInteger calls = new AtomicInteger();
    try (var server = new FakeJudgeServer(s -> Reply.content("Thinking.\n" + score.get(epochIn(s.userMessage()))))) {
      var c = new SelectEval.Config(run, prompts, 5, 10, null, judge(server.url()), null, Threshold.parse("0"), 2, 0.7, 200);
      CheckpointSelection.Selection s = SelectEval.run(c, answerer(calls), new RunDir.Options(run.resolve("select"), false, 42, -1));
      assertEquals(6, s.selected().epoch());
      assertEquals(6, s.candidates().size());
      assertEquals(5.0, s.candidates().get(2).score().estimate(), 1e-12, "epoch 7 scored 5 too");
      assertEquals(3, s.candidates().get(0).n());
      assertEquals(6 * 3 * 2, server.requests());
      assertEquals(6, calls.get());
      CheckpointSelection.Selection onDisk = CheckpointSelection.read(run);
      assertEquals(6, onDisk.selected().epoch());
      assertEquals(CheckpointSelection.TIE_RULE, onDisk.tieRule());
      assertTrue(Files.readString(run.resolve("selected/config.json")).contains("\"epoch\":6"));
      for (String f : new String[] {"selection.json", "selection.png", "selection.svg", "report.md", "manifest.json", "likert/report.json", "generations/epoch-10.jsonl"})
        assertTrue(Files.isRegularFile(run.resolve("select").resolve(f)), f);
      assertTrue(Files.readString(run.resolve("select/report.md")).contains("| 6 | 3 | 5.000"));
    }
  }

  @Test
  void pairwiseAgainstAReferencePicksTheEpochThatBeatsIt() throws Exception {
    Path run = setUp(5, 7);
    Path prompts = EvalFixtures.prompts(tmp, Map.of("p1", "Question one?", "p2", "Question two?"));
    Path ref = EvalFixtures.responses(tmp, "reference", Map.of("p1", "reference one", "p2", "reference two"));
    // Epoch 7's answers beat the reference in both orders; the others lose to it in both orders.
    try (var server =
        new FakeJudgeServer(
            s -> {
              String u = s.userMessage();
              String first = u.substring(u.indexOf("[Response 1]"), u.indexOf("[Response 2]"));
              boolean refFirst = first.contains("reference");
              int e = epochIn(u);
              boolean epochWins = e == 7;
              return Reply.content("Because.\nVerdict: Response " + ((epochWins ^ refFirst) ? 1 : 2));
            })) {
      var c = new SelectEval.Config(run, prompts, 5, 7, ref, judge(server.url()), null, Threshold.parse("0"), 1, 0.7, 200);
      var s = SelectEval.run(c, answerer(new AtomicInteger()), new RunDir.Options(run.resolve("select"), false, 42, -1));
      assertEquals(7, s.selected().epoch());
      assertEquals(1.0, s.candidates().get(2).score().estimate(), 1e-12);
      assertEquals(0.0, s.candidates().get(0).score().estimate(), 1e-12);
      assertTrue(s.criterion().startsWith("pairwise"));
      assertTrue(Files.isRegularFile(run.resolve("select/pairwise/epoch-5/labels.jsonl")));
    }
  }

  @Test
  void aMissingEpochIsAOneLineErrorNamingWhatTheRunHolds() throws Exception {
    Path run = setUp(5, 6);
    Path prompts = EvalFixtures.prompts(tmp, Map.of("p1", "Q?"));
    var c = new SelectEval.Config(run, prompts, 5, 10, null, judge("http://127.0.0.1:9"), null, Threshold.parse("0"), 1, 0.7, 100);
    var e = assertThrows(UserException.class, () -> SelectEval.run(c, answerer(new AtomicInteger()), new RunDir.Options(run.resolve("select"), false, 42, -1)));
    assertTrue(e.getMessage().contains("epoch-7: no such checkpoint") && e.getMessage().contains("holds epoch-5, epoch-6"), e.getMessage());
    assertEquals(5, SelectEval.epochs("5-10")[0]);
    assertEquals(10, SelectEval.epochs("5-10")[1]);
    assertThrows(UserException.class, () -> SelectEval.epochs("five"));
  }
}
