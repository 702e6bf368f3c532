package lima.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import lima.core.Json;

/**
 * An OpenAI-compatible chat-completions server for tests, on 127.0.0.1 and a free port: it answers
 * {@code POST /v1/chat/completions} with a {@code chat.completion} body ({@code choices[0].message.content},
 * {@code usage}). What it answers is scripted: a function from the request to a {@link Reply}, which
 * can also be a fault (slow, 500, 429 with Retry-After, garbage, truncated JSON).
 */
final class FakeJudgeServer implements AutoCloseable {

  /** One scripted answer. */
  record Reply(int status, String body, long delayMs, Map<String, String> headers) {
    static Reply content(String text) {
      return new Reply(200, completion(text), 0, Map.of());
    }

    static Reply status(int status) {
      return new Reply(status, "{\"error\":{\"message\":\"scripted " + status + "\",\"type\":\"server_error\"}}", 0, Map.of());
    }

    static Reply rateLimited(String retryAfter) {
      return new Reply(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}", 0, Map.of("Retry-After", retryAfter));
    }

    static Reply garbage() {
      return new Reply(200, "<html>502 Bad Gateway</html>", 0, Map.of());
    }

    static Reply truncated(String text) {
      String full = completion(text);
      return new Reply(200, full.substring(0, full.length() / 2), 0, Map.of());
    }

    Reply slow(long ms) {
      return new Reply(status, body, ms, headers);
    }
  }

  /** What the server saw of one request. */
  record Seen(JsonNode body, String authorization, long atNanos) {
    String userMessage() {
      JsonNode msgs = body.path("messages");
      return msgs.path(msgs.size() - 1).path("content").asText();
    }
  }

  static String completion(String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", "chatcmpl-test");
    m.put("object", "chat.completion");
    m.put("created", 1700000000);
    m.put("model", "fake-judge");
    m.put("choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", text), "finish_reason", "stop")));
    m.put("usage", Map.of("prompt_tokens", 10, "completion_tokens", 5, "total_tokens", 15));
    try {
      return Json.MAPPER.writeValueAsString(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile Function<Seen, Reply> script;

  FakeJudgeServer(Function<Seen, Reply> script) throws IOException {
    this.script = script;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
  }

  void script(Function<Seen, Reply> s) {
    this.script = s;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int requests() {
    return count.get();
  }

  List<Seen> seen() {
    return new ArrayList<>(seen);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] in = ex.getRequestBody().readAllBytes();
      if (!"POST".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      count.incrementAndGet();
      Seen s = new Seen(Json.MAPPER.readTree(in), ex.getRequestHeaders().getFirst("Authorization"), System.nanoTime());
      seen.add(s);
      Reply r = script.apply(s);
      if (r.delayMs() > 0) {
        try {
          Thread.sleep(r.delayMs());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      try {
        ex.sendResponseHeaders(r.status(), out.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      } catch (IOException e) {
        // The client gave up (timeout): nothing to answer.
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
