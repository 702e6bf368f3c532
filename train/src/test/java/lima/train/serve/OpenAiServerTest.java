package lima.train.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lima.core.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP layer over a scripted backend: shapes, errors, limits, concurrency, shutdown. */
class OpenAiServerTest {
  static final String SCRIPT = "Hello there. How are you?";
  final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
  FakeBackend backend;
  OpenAiServer server;
  ServeClient client;

  void start(ServeOptions opts) throws IOException {
    backend = new FakeBackend(SCRIPT, 200);
    server = OpenAiServer.start(backend, opts, log::add);
    client = new ServeClient(server.baseUri());
  }

  void start() throws IOException {
    start(ServeOptions.defaults(0));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      CountDownLatch g = backend.gate;
      if (g != null) g.countDown();
      server.close();
    }
  }

  static String chat(String extra) {
    return "{\"model\":\"fake\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
  }

  static void assertError(HttpResponse<String> r, int status, String code) throws IOException {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode e = ServeClient.json(r).path("error");
    assertEquals(code, e.path("code").asText(), r.body());
    assertFalse(e.path("message").asText().isBlank());
    assertTrue(e.has("type") && e.has("param"), r.body());
  }

  @Test
  void bindsToLoopbackByDefaultAndListsTheModel() throws Exception {
    start();
    assertTrue(server.address().getAddress().isLoopbackAddress());
    HttpResponse<String> r = client.get("/v1/models");
    assertEquals(200, r.statusCode());
    JsonNode j = ServeClient.json(r);
    assertEquals("list", j.path("object").asText());
    assertEquals("fake", j.path("data").path(0).path("id").asText());
    assertEquals("model", j.path("data").path(0).path("object").asText());
    assertEquals(200, client.get("/v1/models/fake").statusCode());
    assertError(client.get("/v1/models/gpt-4"), 404, "model_not_found");
  }

  @Test
  void chatCompletionHasTheOpenAiShape() throws Exception {
    start();
    HttpResponse<String> r = client.post("/v1/chat/completions", chat(""));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = ServeClient.json(r);
    assertEquals("chat.completion", j.path("object").asText());
    assertTrue(j.path("id").asText().startsWith("chatcmpl-"));
    assertEquals("fake", j.path("model").asText());
    JsonNode c = j.path("choices").path(0);
    assertEquals("assistant", c.path("message").path("role").asText());
    assertEquals(SCRIPT, c.path("message").path("content").asText());
    assertEquals("stop", c.path("finish_reason").asText());
    // prompt: BOS + "hi" + EOT; completion: the script + the stop token.
    assertEquals(4, j.path("usage").path("prompt_tokens").asInt());
    assertEquals(SCRIPT.length() + 1, j.path("usage").path("completion_tokens").asInt());
    assertEquals(4 + SCRIPT.length() + 1, j.path("usage").path("total_tokens").asInt());
  }

  @Test
  void streamedChatEqualsTheNonStreamedAnswer() throws Exception {
    start();
    String whole = ServeClient.json(client.post("/v1/chat/completions", chat(",\"temperature\":0,\"seed\":3"))).path("choices").path(0).path("message").path("content").asText();
    HttpResponse<String> r = client.post("/v1/chat/completions", chat(",\"temperature\":0,\"seed\":3,\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    List<String> ev = ServeClient.events(r.body());
    assertEquals("[DONE]", ev.get(ev.size() - 1));
    JsonNode first = Json.MAPPER.readTree(ev.get(0));
    assertEquals("chat.completion.chunk", first.path("object").asText());
    assertEquals("assistant", first.path("choices").path(0).path("delta").path("role").asText());
    JsonNode last = Json.MAPPER.readTree(ev.get(ev.size() - 3));
    assertEquals("stop", last.path("choices").path(0).path("finish_reason").asText());
    JsonNode usage = Json.MAPPER.readTree(ev.get(ev.size() - 2));
    assertEquals(0, usage.path("choices").size());
    assertEquals(SCRIPT.length() + 1, usage.path("usage").path("completion_tokens").asInt());
    String id = first.path("id").asText();
    for (String e : ev.subList(0, ev.size() - 1)) assertEquals(id, Json.MAPPER.readTree(e).path("id").asText());
    assertEquals(whole, ServeClient.streamedText(ev));
    assertTrue(ev.size() > 5, "streamed in pieces: " + ev.size());
  }

  @Test
  void completionsEndpointNonStreamedAndStreamed() throws Exception {
    start();
    JsonNode j = ServeClient.json(client.post("/v1/completions", "{\"model\":\"fake\",\"prompt\":\"Once\",\"max_tokens\":5}"));
    assertEquals("text_completion", j.path("object").asText());
    assertEquals("Hello", j.path("choices").path(0).path("text").asText());
    assertEquals("length", j.path("choices").path(0).path("finish_reason").asText());
    assertEquals(5, j.path("usage").path("prompt_tokens").asInt());
    assertEquals(5, j.path("usage").path("completion_tokens").asInt());
    List<String> ev = ServeClient.events(client.post("/v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":5,\"stream\":true}").body());
    assertEquals("Hello", ServeClient.streamedText(ev));
    JsonNode last = Json.MAPPER.readTree(ev.get(ev.size() - 2));
    assertEquals("text_completion", last.path("object").asText());
    assertEquals("length", last.path("choices").path(0).path("finish_reason").asText());
  }

  @Test
  void stopStringsCutTheAnswerInBothModes() throws Exception {
    start();
    String body = chat(",\"stop\":[\"How\",\"zzz\"]");
    JsonNode j = ServeClient.json(client.post("/v1/chat/completions", body));
    assertEquals("Hello there. ", j.path("choices").path(0).path("message").path("content").asText());
    assertEquals("stop", j.path("choices").path(0).path("finish_reason").asText());
    List<String> ev = ServeClient.events(client.post("/v1/chat/completions", chat(",\"stop\":\"How\",\"stream\":true")).body());
    assertEquals("Hello there. ", ServeClient.streamedText(ev));
    assertFalse(String.join("", ev).contains("How"));
  }

  @Test
  void systemMessagesGoBeforeTheFirstUserTurn() {
    List<String> turns = CompletionRequest.turns(parse("[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]},"
        + "{\"role\":\"assistant\",\"content\":\"Hello\"},{\"role\":\"user\",\"content\":\"Bye\"}]"));
    assertEquals(List.of("Be brief.\n\nHi", "Hello", "Bye"), turns);
  }

  static JsonNode parse(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void badRequestsGetOpenAiErrors() throws Exception {
    start();
    String p = "/v1/chat/completions";
    assertError(client.post(p, "{\"messages\":"), 400, "invalid_json");
    assertError(client.post(p, "[1,2]"), 400, "invalid_body");
    assertError(client.post(p, "{\"model\":\"fake\"}"), 400, "missing_required_parameter");
    assertError(client.post(p, "{\"messages\":[]}"), 400, "invalid_value");
    assertError(client.post(p, "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"), 400, "invalid_value");
    assertError(client.post(p, "{\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"}]}"), 400, "invalid_value");
    assertError(client.post(p, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"assistant\",\"content\":\"y\"}]}"), 400, "invalid_value");
    assertError(client.post(p, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"system\",\"content\":\"y\"}]}"), 400, "invalid_value");
    assertError(client.post(p, "{\"messages\":[{\"role\":\"user\"}]}"), 400, "missing_required_parameter");
    HttpResponse<String> r = client.post(p, chat(",\"max_tokens\":0"));
    assertError(r, 400, "invalid_value");
    assertEquals("max_tokens", ServeClient.json(r).path("error").path("param").asText());
    assertError(client.post(p, chat(",\"max_tokens\":100000")), 400, "invalid_value");
    assertError(client.post(p, chat(",\"max_tokens\":\"ten\"")), 400, "invalid_type");
    assertError(client.post(p, chat(",\"temperature\":3")), 400, "decimal_above_max_value");
    assertError(client.post(p, chat(",\"n\":2")), 400, "unsupported_value");
    assertError(client.post(p, chat(",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]")), 400, "invalid_value");
    assertError(client.post(p, "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 404, "model_not_found");
    assertError(client.post("/v1/completions", "{\"model\":\"fake\"}"), 400, "missing_required_parameter");
    assertError(client.post(p, "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(300) + "\"}]}"), 400, "context_length_exceeded");
    HttpResponse<String> get = client.get(p);
    assertError(get, 405, "method_not_allowed");
    assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
    assertError(client.post("/v1/models", "{}"), 405, "method_not_allowed");
    assertError(client.get("/v1/embeddings"), 404, "unknown_url");
    assertEquals(200, client.post(p, chat("")).statusCode(), "the server still works after the errors");
  }

  @Test
  void topPIsCheckedAsOpenAiDoes() throws Exception {
    start();
    String p = "/v1/chat/completions";
    // OpenAI accepts [0, 1]; 0 and values below float precision keep the top token alone.
    for (String ok : new String[] {"0", "0.0", "1e-30", "0.5", "1"})
      assertEquals(200, client.post(p, chat(",\"top_p\":" + ok)).statusCode(), "top_p " + ok);
    HttpResponse<String> above = client.post(p, chat(",\"top_p\":1.5"));
    assertError(above, 400, "decimal_above_max_value");
    JsonNode e = ServeClient.json(above).path("error");
    assertEquals("top_p", e.path("param").asText());
    assertEquals("Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.5 instead.", e.path("message").asText());
    HttpResponse<String> below = client.post(p, chat(",\"top_p\":-0.1"));
    assertError(below, 400, "decimal_below_min_value");
    assertEquals("Invalid 'top_p': decimal below minimum value. Expected a value >= 0, but got -0.1 instead.", ServeClient.json(below).path("error").path("message").asText());
    assertError(client.post(p, chat(",\"top_p\":\"0.9\"")), 400, "invalid_type");
    assertError(client.post(p, chat(",\"top_p\":1e400")), 400, "decimal_above_max_value");
  }

  @Test
  void malformedBodiesGet400WithAPlainMessage() throws Exception {
    start();
    String p = "/v1/chat/completions";
    String digits = "9".repeat(1000);
    String[] invalidJson = {
      "{\"messages\":" + "[".repeat(1000) + "]".repeat(1000) + "}",
      "{\"x\":" + "{\"a\":".repeat(1000) + "1" + "}".repeat(1000) + "}",
      "{\"user\":1" + digits + "}",
      "{\"max_tokens\":" + "9".repeat(100_000) + "}",
      "{\"temperature\":0." + digits + "1}",
      "{\"" + "k".repeat(60_000) + "\":1}",
      "{\"temperature\":NaN}",
      "{\"messages\":[]} {}",
      "{\"messages\":[}",
      "{\"messages\": tru}",
      "{\"messages\":\"unterminated",
      "\u00ff\u00fe{}",
    };
    for (String body : invalidJson) {
      HttpResponse<String> r = client.post(p, body);
      String shown = body.length() > 60 ? body.substring(0, 60) + "…" : body;
      assertError(r, 400, "invalid_json");
      assertPlain(ServeClient.json(r).path("error").path("message").asText(), shown);
    }
    // Valid JSON with absurd numbers in the fields the server reads: 400 naming the field.
    String[][] badValues = {
      {"max_tokens", digits, "invalid_value"},
      {"seed", digits, "invalid_value"},
      {"temperature", digits, "decimal_above_max_value"},
      {"top_p", "-" + digits, "decimal_below_min_value"},
      {"repetition_penalty", digits, "invalid_value"},
      {"n", digits, "unsupported_value"},
    };
    for (String[] b : badValues) {
      HttpResponse<String> r = client.post(p, chat(",\"" + b[0] + "\":" + b[1]));
      assertError(r, 400, b[2]);
      assertPlain(ServeClient.json(r).path("error").path("message").asText(), b[0]);
    }
    HttpResponse<String> longModel = client.post(p, "{\"model\":\"" + "m".repeat(60_000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertError(longModel, 404, "model_not_found");
    assertTrue(longModel.body().length() < 500, "the error does not echo 60,000 characters back");
    assertEquals(200, client.post(p, chat("")).statusCode(), "the server still works after the errors");
    assertEquals(0, log.stream().filter(l -> l.contains(" 500 ")).count(), log.toString());
  }

  /** A message a user understands: short, no parser classes, features or source excerpts. */
  static void assertPlain(String message, String input) {
    assertFalse(message.isBlank(), input);
    assertTrue(message.length() < 300, input + " -> " + message);
    for (String internal : new String[] {"`", "Source:", "jackson", "Jackson", "Exception", "StreamRead", "JsonNode", "code 1", "REDACTED"})
      assertFalse(message.contains(internal), input + " -> " + message);
  }

  @Test
  void headRequestsAreAnsweredWithoutAJdkWarning() throws Exception {
    java.util.logging.Logger jdk = java.util.logging.Logger.getLogger("com.sun.net.httpserver");
    List<java.util.logging.LogRecord> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.logging.Handler h = new java.util.logging.Handler() {
      @Override public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) warnings.add(r);
      }
      @Override public void flush() {}
      @Override public void close() {}
    };
    jdk.addHandler(h);
    try {
      start();
      for (String path : new String[] {"/health", "/v1/models", "/v1/chat/completions", "/nope"}) {
        HttpResponse<String> r = client.http.send(java.net.http.HttpRequest.newBuilder(server.baseUri().resolve(path)).method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("", r.body(), path);
        int want = switch (path) { case "/health", "/v1/models" -> 200; case "/nope" -> 404; default -> 405; };
        assertEquals(want, r.statusCode(), path);
      }
      assertEquals(200, client.get("/health").statusCode());
      assertEquals(List.of(), warnings.stream().map(java.util.logging.LogRecord::getMessage).toList());
    } finally {
      jdk.removeHandler(h);
    }
  }

  @Test
  void oversizedBodiesGet413() throws Exception {
    start(ServeOptions.defaults(0).withMaxRequestBytes(1000));
    String big = chat(",\"user\":\"" + "x".repeat(5000) + "\"");
    assertError(client.post("/v1/chat/completions", big), 413, "request_too_large");
    assertEquals(200, client.post("/v1/chat/completions", chat("")).statusCode());
  }

  @Test
  void beyondConcurrencyAndQueueRequestsGet429() throws Exception {
    start(ServeOptions.defaults(0).withConcurrency(1, 1, Duration.ofSeconds(30)));
    backend.gate = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> running = client.postAsync("/v1/chat/completions", chat(""));
    assertTrue(backend.started.await(10, TimeUnit.SECONDS));
    CompletableFuture<HttpResponse<String>> queued = client.postAsync("/v1/chat/completions", chat(""));
    // The queued one is admitted but waits; a third finds the queue full.
    for (int i = 0; i < 500 && server.generationsAdmitted() < 2; i++) Thread.sleep(10);
    assertEquals(2, server.generationsAdmitted());
    HttpResponse<String> third = client.post("/v1/chat/completions", chat(""));
    assertError(third, 429, "server_busy");
    assertEquals("1", third.headers().firstValue("Retry-After").orElse(""));
    backend.gate.countDown();
    assertEquals(200, running.get(30, TimeUnit.SECONDS).statusCode());
    assertEquals(200, queued.get(30, TimeUnit.SECONDS).statusCode());
    assertEquals(1, backend.maxRunning.get(), "never two generations at once");
  }

  @Test
  void aQueuedRequestThatWaitsTooLongGets503() throws Exception {
    start(ServeOptions.defaults(0).withConcurrency(1, 4, Duration.ofMillis(300)));
    backend.gate = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> running = client.postAsync("/v1/chat/completions", chat(""));
    assertTrue(backend.started.await(10, TimeUnit.SECONDS));
    HttpResponse<String> r = client.post("/v1/chat/completions", chat(""));
    assertError(r, 503, "queue_timeout");
    assertTrue(r.headers().firstValue("Retry-After").isPresent());
    backend.gate.countDown();
    assertEquals(200, running.get(30, TimeUnit.SECONDS).statusCode());
  }

  @Test
  void shutdownFinishesRunningRequestsClosesThePortAndTheBackend() throws Exception {
    start(ServeOptions.defaults(0).withShutdownGrace(Duration.ofSeconds(20)));
    int port = server.address().getPort();
    backend.gate = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> running = client.postAsync("/v1/chat/completions", chat(""));
    assertTrue(backend.started.await(10, TimeUnit.SECONDS));
    Thread closer = Thread.ofPlatform().start(server::close);
    Thread.sleep(300);
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "the port is closed at once");
    backend.gate.countDown();
    HttpResponse<String> r = running.get(30, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode(), "the in-flight request finishes within the grace");
    assertEquals(SCRIPT, ServeClient.json(r).path("choices").path(0).path("message").path("content").asText());
    closer.join(30_000);
    assertFalse(closer.isAlive());
    assertTrue(backend.closed.get(), "the model is closed");
    server = null;
  }

  @Test
  void shutdownCancelsAStreamThatOutlivesTheGrace() throws Exception {
    start(ServeOptions.defaults(0).withShutdownGrace(Duration.ofMillis(300)));
    backend.tokenDelayMs = 100; // 25 tokens: 2.5 s, longer than the grace
    CompletableFuture<HttpResponse<String>> running = client.postAsync("/v1/chat/completions", chat(",\"stream\":true"));
    assertTrue(backend.started.await(10, TimeUnit.SECONDS));
    long t0 = System.nanoTime();
    server.close();
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20));
    HttpResponse<String> r = running.get(30, TimeUnit.SECONDS);
    List<String> ev = ServeClient.events(r.body());
    String last = ev.get(ev.size() - 1);
    assertEquals("shutting_down", Json.MAPPER.readTree(last).path("error").path("code").asText(), r.body());
    assertTrue(ServeClient.streamedText(ev.subList(0, ev.size() - 1)).length() < SCRIPT.length());
    assertTrue(backend.closed.get());
    server = null;
  }

  @Test
  void logsOneLinePerRequest() throws Exception {
    start();
    client.post("/v1/chat/completions", chat(""));
    client.get("/nope");
    for (int i = 0; i < 200 && log.size() < 2; i++) Thread.sleep(10); // logged just after the answer is sent
    assertEquals(2, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("POST /v1/chat/completions 200"), log.get(0));
    assertTrue(log.get(1).startsWith("GET /nope 404"), log.get(1));
  }
}
