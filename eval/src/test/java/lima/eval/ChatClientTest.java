package lima.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import lima.eval.FakeJudgeServer.Reply;
import lima.eval.judge.ChatClient;
import lima.eval.judge.JudgeCache;
import lima.eval.judge.JudgeException;
import lima.eval.judge.JudgeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatClientTest {
  @TempDir Path tmp;
  final List<Duration> waits = new CopyOnWriteArrayList<>();
  final ChatClient.Sleeper recording = waits::add;

  JudgeOptions opts(String url, int retries, long timeoutMs) {
    return new JudgeOptions(url, "fake-judge", "sk-TEST-SECRET-123", 2, 0, Duration.ofMillis(timeoutMs), retries, Duration.ofMillis(100), Duration.ofSeconds(30), 256, 7);
  }

  /** Answers from a list, one per request in order, the last one repeated. */
  static java.util.function.Function<FakeJudgeServer.Seen, Reply> sequence(Reply... replies) {
    AtomicInteger i = new AtomicInteger();
    return s -> replies[Math.min(i.getAndIncrement(), replies.length - 1)];
  }

  ChatClient.Answer ask(FakeJudgeServer server, int retries, long timeoutMs) throws Exception {
    try (JudgeCache cache = new JudgeCache(tmp.resolve("cache.jsonl"))) {
      ChatClient c = new ChatClient(opts(server.url(), retries, timeoutMs), cache, recording);
      return c.complete(c.body("sys", "Which is better?", 0.0, null));
    }
  }

  @Test
  void answersLikeTheApiAndSendsTheKeyOnlyInTheHeader() throws Exception {
    try (var server = new FakeJudgeServer(s -> Reply.content("fine\nVerdict: Response 1"))) {
      ChatClient.Answer a = ask(server, 0, 5000);
      assertEquals("fine\nVerdict: Response 1", a.content());
      assertEquals(1, a.attempts());
      assertFalse(a.cached());
      var seen = server.seen().get(0);
      assertEquals("Bearer sk-TEST-SECRET-123", seen.authorization());
      assertEquals("fake-judge", seen.body().path("model").asText());
      assertEquals("Which is better?", seen.userMessage());
      assertFalse(seen.body().toString().contains("SECRET"), "the key is not in the body");
      assertFalse(Files.readString(tmp.resolve("cache.jsonl")).contains("SECRET"), "the key is not in the cache");
    }
  }

  @Test
  void slowAnswerTimesOutThenTheRetrySucceeds() throws Exception {
    try (var server = new FakeJudgeServer(sequence(Reply.content("late").slow(2000), Reply.content("Verdict: Neither")))) {
      ChatClient.Answer a = ask(server, 3, 300);
      assertEquals("Verdict: Neither", a.content());
      assertEquals(2, a.attempts());
      assertEquals(1, waits.size(), "one backoff wait before the retry");
    }
  }

  @Test
  void serverErrorIsRetriedWithJitteredExponentialBackoff() throws Exception {
    try (var server = new FakeJudgeServer(sequence(Reply.status(500), Reply.status(503), Reply.status(502), Reply.content("ok")))) {
      ChatClient.Answer a = ask(server, 5, 5000);
      assertEquals("ok", a.content());
      assertEquals(4, a.attempts());
      assertEquals(4, server.requests());
      assertEquals(3, waits.size());
      for (int k = 0; k < 3; k++) {
        long base = 100L << k; // 100, 200, 400 ms
        long ms = waits.get(k).toMillis();
        assertTrue(ms >= base / 2 && ms < base * 3 / 2, "retry " + (k + 1) + " waited " + ms + " ms, expected within [" + base / 2 + ", " + base * 3 / 2 + ")");
      }
    }
  }

  @Test
  void backoffJitterIsSeededAndRepeatable() throws Exception {
    List<Duration> first;
    try (var server = new FakeJudgeServer(sequence(Reply.status(500), Reply.status(500), Reply.content("ok")))) {
      ask(server, 5, 5000);
      first = List.copyOf(waits);
    }
    Files.delete(tmp.resolve("cache.jsonl"));
    waits.clear();
    try (var server = new FakeJudgeServer(sequence(Reply.status(500), Reply.status(500), Reply.content("ok")))) {
      ask(server, 5, 5000);
    }
    assertEquals(first, waits);
    assertNotEquals(first.get(0), first.get(1));
  }

  @Test
  void rateLimitHonoursRetryAfter() throws Exception {
    try (var server = new FakeJudgeServer(sequence(Reply.rateLimited("3"), Reply.content("ok")))) {
      ChatClient.Answer a = ask(server, 2, 5000);
      assertEquals("ok", a.content());
      assertEquals(List.of(Duration.ofSeconds(3)), waits, "waited what Retry-After said");
    }
  }

  @Test
  void garbageAndTruncatedBodiesAreRetried() throws Exception {
    try (var server = new FakeJudgeServer(sequence(Reply.garbage(), Reply.truncated("Verdict: Response 2"), Reply.content("Verdict: Response 2")))) {
      ChatClient.Answer a = ask(server, 3, 5000);
      assertEquals("Verdict: Response 2", a.content());
      assertEquals(3, a.attempts());
    }
  }

  @Test
  void givesUpAfterRetriesWithAMessageWithoutTheKey() throws Exception {
    try (var server = new FakeJudgeServer(s -> Reply.status(500))) {
      JudgeException e = assertThrows(JudgeException.class, () -> ask(server, 2, 5000));
      assertEquals(3, server.requests());
      assertTrue(e.getMessage().contains("after 3 attempts") && e.getMessage().contains("HTTP 500"), e.getMessage());
      assertFalse(e.getMessage().contains("SECRET"));
    }
  }

  @Test
  void clientErrorFailsAtOnceAndScrubsAnEchoedKey() throws Exception {
    try (var server = new FakeJudgeServer(s -> new Reply(401, "{\"error\":\"Incorrect API key provided: sk-TEST-SECRET-123\"}", 0, java.util.Map.of()))) {
      JudgeException e = assertThrows(JudgeException.class, () -> ask(server, 5, 5000));
      assertEquals(1, server.requests());
      assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
      assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    }
  }

  @Test
  void cachedAnswersMakeNoRequests() throws Exception {
    try (var server = new FakeJudgeServer(s -> Reply.content("Verdict: Response 1"))) {
      ask(server, 0, 5000);
      assertEquals(1, server.requests());
      ChatClient.Answer again = ask(server, 0, 5000);
      assertTrue(again.cached());
      assertEquals("Verdict: Response 1", again.content());
      assertEquals(1, server.requests(), "no second request");
    }
  }

  @Test
  void tornCacheLineIsSkipped() throws Exception {
    Files.writeString(tmp.resolve("cache.jsonl"), "{\"key\":\"abc\",\"respo");
    try (JudgeCache c = new JudgeCache(tmp.resolve("cache.jsonl"))) {
      assertEquals(0, c.size());
      assertEquals(1, c.skippedLines());
    }
  }

  @Test
  void rpmSpacesRequestStarts() throws Exception {
    try (var server = new FakeJudgeServer(s -> Reply.content("ok"));
        JudgeCache cache = new JudgeCache(tmp.resolve("cache.jsonl"))) {
      JudgeOptions o = new JudgeOptions(server.url(), "m", null, 1, 60, Duration.ofSeconds(5), 0, Duration.ofMillis(10), Duration.ofSeconds(5), 16, 1);
      ChatClient c = new ChatClient(o, cache, recording);
      for (int i = 0; i < 3; i++) c.complete(c.body(null, "q" + i, 0.0, null));
      // 60 rpm = one start per second; the recording sleeper does not sleep, so each later request waits ~1 s more.
      assertEquals(2, waits.size(), waits.toString());
      assertTrue(waits.get(0).toMillis() > 900 && waits.get(1).toMillis() > 1900, waits.toString());
      assertNull(server.seen().get(0).authorization(), "no key, no Authorization header");
    }
  }

  @Test
  void retryAfterAsAnHttpDateAndCappedByMaxBackoff() throws Exception {
    String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusHours(1));
    try (var server = new FakeJudgeServer(sequence(new Reply(503, "busy", 0, java.util.Map.of("Retry-After", date)), Reply.content("ok")))) {
      assertEquals("ok", ask(server, 2, 5000).content());
      assertEquals(List.of(Duration.ofSeconds(30)), waits, "an hour away, capped by maxBackoff (30 s)");
    }
  }

  @Test
  void endpointFromAnyUsualSpellingOfTheUrl() {
    for (String u : List.of("http://h:1", "http://h:1/", "http://h:1/v1", "http://h:1/v1/chat/completions"))
      assertEquals("http://h:1/v1/chat/completions", opts(u, 0, 1000).endpoint().toString(), u);
    assertFalse(opts("http://h:1", 0, 1000).toString().contains("SECRET"), "toString hides the key");
  }
}
