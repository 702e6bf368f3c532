package lima.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import lima.core.ExitCodes;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.FakeJudgeServer.Reply;
import lima.eval.judge.ChatClient;
import lima.eval.judge.JudgeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Judge failures that no retry can fix (400 for a prompt beyond the judge's context, 401, a refused
 * connection) stop a run at the first one, with its cause in one line; 429, 5xx and timeouts are still
 * retried. The judge is a real HTTP server on the loopback interface.
 */
class JudgeFailuresTest {
  @TempDir Path tmp;
  final List<Duration> waits = new CopyOnWriteArrayList<>();

  static final String CONTEXT_400 =
      "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens. However, your messages resulted in 9120 tokens. Please reduce the length of the messages.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";

  PairwiseEval.Config config(String url, int concurrency) throws Exception {
    Map<String, String> p = new LinkedHashMap<>(), a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
    for (int i = 1; i <= 10; i++) {
      p.put("q" + i, "Question " + i);
      a.put("q" + i, "answer A" + i);
      b.put("q" + i, "answer B" + i);
    }
    JudgeOptions j = new JudgeOptions(url, "judge", null, concurrency, 0, Duration.ofSeconds(10), 6, Duration.ofMillis(100), Duration.ofSeconds(30), 64, 1);
    return new PairwiseEval.Config(EvalFixtures.prompts(tmp, p), EvalFixtures.responses(tmp, "a", a), null, EvalFixtures.responses(tmp, "b", b), null, j, null, null, 200);
  }

  UserException run(PairwiseEval.Config c) {
    return assertThrows(UserException.class, () -> PairwiseEval.run(c, new RunDir.Options(tmp.resolve("out"), false, 1, -1), waits::add));
  }

  static void assertOneLine(String m) {
    assertFalse(m.contains("\n"), m);
    assertFalse(m.contains("Exception"), m);
  }

  @Test
  void contextExceededStopsAtTheFirstFailureWithTheServersReason() throws Exception {
    AtomicInteger n = new AtomicInteger();
    try (var server = new FakeJudgeServer(s -> n.incrementAndGet() <= 2 ? Reply.content("Verdict: Neither") : new Reply(400, CONTEXT_400, 0, Map.of()))) {
      UserException e = run(config(server.url(), 1));
      assertEquals(ExitCodes.DATA, e.exitCode());
      assertEquals(3, server.requests(), "nothing is sent after the first 400 (of 20 requests)");
      assertEquals(List.of(), waits, "a 400 is not retried");
      assertTrue(e.getMessage().contains("HTTP 400") && e.getMessage().contains("maximum context length is 4096 tokens"), e.getMessage());
      assertTrue(e.getMessage().contains("stopped after 3 of 20 requests"), e.getMessage());
      assertOneLine(e.getMessage());
      // the two answers received before are kept for the re-run
      assertEquals(2, Files.readAllLines(tmp.resolve("out/cache.jsonl")).size());
    }
  }

  @Test
  void aBadKeyStopsAtTheFirstRequestEvenWithSeveralInFlight() throws Exception {
    try (var server = new FakeJudgeServer(s -> new Reply(401, "{\"error\":{\"message\":\"Incorrect API key provided.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}", 0, Map.of()))) {
      UserException e = run(config(server.url(), 4));
      assertTrue(server.requests() <= 4, "at most the requests already in flight: " + server.requests());
      assertEquals(List.of(), waits);
      assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("Incorrect API key provided."), e.getMessage());
      assertOneLine(e.getMessage());
    }
  }

  @Test
  void aRefusedConnectionIsNotRetried() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    UserException e = run(config("http://127.0.0.1:" + port, 2));
    assertEquals(ExitCodes.DATA, e.exitCode());
    assertEquals(List.of(), waits, "no backoff before giving up on a refused connection");
    assertTrue(e.getMessage().startsWith("cannot connect to the judge at http://127.0.0.1:" + port + "/v1/chat/completions"), e.getMessage());
    assertOneLine(e.getMessage());
  }

  @Test
  void rateLimitsAndServerErrorsAreStillRetried() throws Exception {
    AtomicInteger n = new AtomicInteger();
    try (var server = new FakeJudgeServer(s -> switch (n.incrementAndGet()) {
      case 1 -> Reply.rateLimited("1");
      case 2 -> Reply.status(503);
      default -> Reply.content("Verdict: Neither");
    })) {
      var r = PairwiseEval.run(config(server.url(), 1), new RunDir.Options(tmp.resolve("out"), false, 1, -1), waits::add);
      assertEquals(10, r.labelled());
      assertEquals(2, waits.size(), "the 429 and the 503 were retried");
      assertEquals(22, server.requests());
    }
  }

  @Test
  void theClientMarksWhichFailuresARetryCannotFix() throws Exception {
    try (var server = new FakeJudgeServer(s -> new Reply(404, "not here", 0, Map.of()));
        var cache = new lima.eval.judge.JudgeCache(tmp.resolve("c.jsonl"))) {
      ChatClient c = new ChatClient(config(server.url(), 1).judge(), cache, waits::add);
      var e = assertThrows(lima.eval.judge.JudgeException.class, () -> c.complete(c.body("s", "u", 0, null)));
      assertFalse(e.retryable());
    }
    try (var server = new FakeJudgeServer(s -> Reply.status(500));
        var cache = new lima.eval.judge.JudgeCache(tmp.resolve("d.jsonl"))) {
      JudgeOptions o = config(server.url(), 1).judge();
      JudgeOptions once = new JudgeOptions(o.url(), o.model(), null, 1, 0, o.timeout(), 1, o.backoff(), o.maxBackoff(), 64, 1);
      ChatClient c = new ChatClient(once, cache, waits::add);
      var e = assertThrows(lima.eval.judge.JudgeException.class, () -> c.complete(c.body("s", "u", 0, null)));
      assertTrue(e.retryable(), "a 500 is retryable: a later run may succeed");
    }
  }
}
