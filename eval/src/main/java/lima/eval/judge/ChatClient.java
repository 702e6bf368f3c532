package lima.eval.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import lima.core.Hashing;
import lima.core.Json;

/**
 * A client of an OpenAI-compatible {@code /v1/chat/completions} endpoint that a long evaluation can
 * lean on: answers come from the {@link JudgeCache} when it holds them; otherwise the request is
 * paced (at most {@code rpm} started per minute), sent with a timeout, and retried on timeouts,
 * connection errors, 429, 5xx and malformed bodies, waiting {@code backoff * 2^(attempt-1)} times a
 * seeded jitter in [0.5, 1.5), or exactly what a 429/503's {@code Retry-After} says (capped by
 * {@code maxBackoff}). Other 4xx answers and a refused connection fail at once with a {@link
 * JudgeException} that is not {@link JudgeException#retryable}. The API key goes only into the
 * Authorization header; every message this class produces has it scrubbed.
 */
public final class ChatClient implements AutoCloseable {

  /** How the client waits (tests record the waits). */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** One judge answer: the message content and the raw response body. */
  public record Answer(String content, String raw, int attempts, boolean cached) {}

  private final JudgeOptions options;
  private final JudgeCache cache;
  private final Sleeper sleeper;
  private final HttpClient http;
  private final Object pace = new Object();
  private long nextSlotNanos;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();

  public ChatClient(JudgeOptions options, JudgeCache cache) {
    this(options, cache, d -> Thread.sleep(d.toMillis()));
  }

  public ChatClient(JudgeOptions options, JudgeCache cache, Sleeper sleeper) {
    this.options = options;
    this.cache = cache;
    this.sleeper = sleeper;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(options.timeout())
            .version(options.url().startsWith("https") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** A chat request body: a system and a user message. {@code sampleSeed} is set for repeated samples. */
  public ObjectNode body(String system, String user, double temperature, Integer sampleSeed) {
    ObjectNode b = Json.MAPPER.createObjectNode();
    b.put("model", options.model());
    var msgs = b.putArray("messages");
    if (system != null) msgs.addObject().put("role", "system").put("content", system);
    msgs.addObject().put("role", "user").put("content", user);
    b.put("temperature", temperature);
    b.put("max_tokens", options.maxTokens());
    if (sampleSeed != null) b.put("seed", sampleSeed);
    return b;
  }

  /** Requests sent over the network (retries included). */
  public long sent() {
    return sent.get();
  }

  public long retried() {
    return retried.get();
  }

  public long cacheHits() {
    return cacheHits.get();
  }

  /** The answer to {@code body}, from the cache or the server. */
  public Answer complete(ObjectNode body) throws JudgeException, InterruptedException, IOException {
    String key = JudgeCache.key(body);
    JudgeCache.Entry hit = cache.get(key);
    if (hit != null) {
      cacheHits.incrementAndGet();
      return new Answer(content(hit.rawResponse()).orElse(""), hit.rawResponse(), hit.attempts(), true);
    }
    String payload = Json.MAPPER.writeValueAsString(body);
    String lastProblem = "";
    for (int attempt = 1; attempt <= options.retries() + 1; attempt++) {
      Duration wait = null;
      try {
        awaitSlot();
        HttpRequest.Builder rb =
            HttpRequest.newBuilder(options.endpoint())
                .timeout(options.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        if (options.apiKey() != null && !options.apiKey().isEmpty()) rb.header("Authorization", "Bearer " + options.apiKey());
        sent.incrementAndGet();
        HttpResponse<String> resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = resp.statusCode();
        if (status == 200) {
          Optional<String> c = content(resp.body());
          if (c.isPresent()) {
            cache.put(new JudgeCache.Entry(key, options.model(), body, resp.body(), attempt));
            return new Answer(c.get(), resp.body(), attempt, false);
          }
          lastProblem = "HTTP 200 with a body that is not a chat completion (" + excerpt(resp.body()) + ")";
        } else if (status == 429 || status >= 500) {
          lastProblem = "HTTP " + status + " (" + excerpt(resp.body()) + ")";
          wait = retryAfter(resp).orElse(null);
        } else {
          throw new JudgeException(scrub("the judge at " + options.endpoint() + " answered HTTP " + status + " for model " + options.model() + ": " + errorMessage(resp.body())
              + " (not retried: a retry cannot fix a " + status + ")"), false);
        }
      } catch (HttpTimeoutException e) {
        lastProblem = "timed out after " + options.timeout().toMillis() + " ms";
      } catch (java.net.ConnectException e) {
        throw new JudgeException(scrub("cannot connect to the judge at " + options.endpoint() + ": " + (e.getMessage() == null || e.getMessage().isBlank() ? "connection refused" : e.getMessage())
            + " (is the server running, and is the URL right?)"), false);
      } catch (IOException e) {
        lastProblem = "connection error: " + e;
      }
      if (attempt <= options.retries()) {
        retried.incrementAndGet();
        sleeper.sleep(wait != null ? min(wait, options.maxBackoff()) : backoff(key, attempt));
      }
    }
    throw new JudgeException(scrub("judge request failed after " + (options.retries() + 1) + " attempts: " + lastProblem));
  }

  /** Releases the HTTP client's threads and connections. */
  @Override
  public void close() {
    http.close();
  }

  /** The delay before retry {@code attempt}: exponential, capped, with jitter seeded by (seed, request, attempt). */
  Duration backoff(String key, int attempt) {
    double base = options.backoff().toMillis() * Math.pow(2, attempt - 1);
    base = Math.min(base, options.maxBackoff().toMillis());
    SplittableRandom rng = Hashing.rng(options.seed(), key + ":" + attempt);
    return Duration.ofMillis((long) (base * (0.5 + rng.nextDouble())));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Retry-After in seconds (integer or decimal) or as an HTTP date. */
  static Optional<Duration> retryAfter(HttpResponse<?> resp) {
    Optional<String> h = resp.headers().firstValue("Retry-After");
    if (h.isEmpty()) return Optional.empty();
    String v = h.get().trim();
    try {
      return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime t = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        long ms = t.toInstant().toEpochMilli() - System.currentTimeMillis();
        return Optional.of(Duration.ofMillis(Math.max(0, ms)));
      } catch (RuntimeException e2) {
        return Optional.empty();
      }
    }
  }

  private void awaitSlot() throws InterruptedException {
    if (options.rpm() <= 0) return;
    long interval = 60_000_000_000L / options.rpm();
    long slot;
    synchronized (pace) {
      long now = System.nanoTime();
      slot = Math.max(now, nextSlotNanos);
      nextSlotNanos = slot + interval;
    }
    long waitNanos = slot - System.nanoTime();
    if (waitNanos > 0) sleeper.sleep(Duration.ofNanos(waitNanos));
  }

  /** choices[0].message.content of a chat.completion body, if it is one. */
  public static Optional<String> content(String raw) {
    try {
      JsonNode n = Json.MAPPER.readTree(raw);
      JsonNode c = n == null ? null : n.path("choices").path(0).path("message").get("content");
      return c != null && c.isTextual() ? Optional.of(c.asText()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The server's {@code error.message} when the body is an OpenAI error, else an excerpt of the body. */
  static String errorMessage(String body) {
    try {
      JsonNode m = Json.MAPPER.readTree(body).path("error");
      if (m.isTextual()) return excerpt(m.asText());
      if (m.path("message").isTextual()) return excerpt(m.path("message").asText());
    } catch (IOException | RuntimeException e) {
      // not JSON: show the body itself
    }
    return excerpt(body);
  }

  private static String excerpt(String s) {
    if (s == null) return "";
    String t = s.replaceAll("\\s+", " ").trim();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  private String scrub(String s) {
    String k = options.apiKey();
    return k == null || k.length() < 4 ? s : s.replace(k, "***");
  }
}
