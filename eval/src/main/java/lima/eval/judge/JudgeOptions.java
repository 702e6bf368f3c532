package lima.eval.judge;

import java.net.URI;
import java.time.Duration;
import lima.core.UserException;

/**
 * How to reach and pace a judge: an OpenAI-compatible chat-completions endpoint. {@code apiKey} may be
 * null (local servers); it is sent as a bearer token and never written anywhere.
 *
 * @param url the server: {@code http://host:port}, {@code .../v1} or the full {@code .../v1/chat/completions}
 * @param concurrency requests in flight at once
 * @param rpm at most this many requests started per minute (0: no limit)
 * @param timeout per-request timeout (the whole answer)
 * @param retries retries after the first attempt on timeouts, 429, 5xx and malformed bodies
 * @param backoff first retry delay; doubles each retry, times a seeded jitter in [0.5, 1.5)
 * @param maxBackoff the cap on one computed delay and on a server's Retry-After
 */
public record JudgeOptions(
    String url,
    String model,
    String apiKey,
    int concurrency,
    int rpm,
    Duration timeout,
    int retries,
    Duration backoff,
    Duration maxBackoff,
    int maxTokens,
    long seed) {

  public JudgeOptions {
    if (url == null || url.isBlank()) throw new UserException("--judge URL is required");
    if (!url.startsWith("http://") && !url.startsWith("https://"))
      throw new UserException("--judge must be an http(s) URL of an OpenAI-compatible server, got " + url);
    if (model == null || model.isBlank()) throw new UserException("--judge-model is required");
    if (concurrency < 1) throw new UserException("--concurrency must be >= 1, got " + concurrency);
    if (rpm < 0) throw new UserException("--rpm must be >= 0 (0: no limit), got " + rpm);
    if (retries < 0) throw new UserException("--retries must be >= 0, got " + retries);
    if (maxTokens < 1) throw new UserException("--max-tokens must be >= 1, got " + maxTokens);
  }

  /** A judge with the usual pacing: 4 in flight, no rate limit, 120 s timeout, 6 retries from 2 s. */
  public static JudgeOptions of(String url, String model, String apiKey) {
    return new JudgeOptions(url, model, apiKey, 4, 0, Duration.ofSeconds(120), 6, Duration.ofSeconds(2), Duration.ofSeconds(120), 1024, 42);
  }

  public JudgeOptions withPacing(int newConcurrency, int newRpm, Duration newTimeout, int newRetries, Duration newBackoff) {
    return new JudgeOptions(url, model, apiKey, newConcurrency, newRpm, newTimeout, newRetries, newBackoff, maxBackoff, maxTokens, seed);
  }

  /** The chat-completions endpoint the URL names. */
  public URI endpoint() {
    String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    if (u.endsWith("/chat/completions")) return URI.create(u);
    if (u.endsWith("/v1")) return URI.create(u + "/chat/completions");
    return URI.create(u + "/v1/chat/completions");
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "JudgeOptions[url=" + url + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "(set)") + ", concurrency=" + concurrency + ", rpm=" + rpm + "]";
  }
}
