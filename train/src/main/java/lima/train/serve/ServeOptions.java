package lima.train.serve;

import java.time.Duration;
import lima.train.generate.GenerateOptions;

/**
 * Settings of {@link OpenAiServer}.
 *
 * @param host address to bind ({@code 127.0.0.1} by default: not reachable from other machines)
 * @param port TCP port, 0 for any free one
 * @param maxRequestBytes largest request body accepted; larger ones get 413
 * @param maxConcurrency generations running at once
 * @param maxQueue generation requests that may wait for a free slot; more get 429 at once
 * @param queueTimeout how long a queued request waits for a slot before it gets 503
 * @param shutdownGrace on shutdown, how long running requests may go on before they are cancelled
 * @param maxTokensLimit the largest {@code max_tokens} accepted, and the default (the paper's 2,048)
 * @param defaults temperature, top-p and repetition penalty for requests that leave them out (the
 *     paper's 0.7, 0.9 and 1.2 by default); its seed, stop strings and length are not used (a request
 *     without a seed gets a fresh random one)
 * @param readTimeout a connection that has not sent its whole request (headers and body) this long after
 *     its first byte is closed (whole seconds)
 * @param maxConnections open connections at most; the JDK server closes new ones beyond that
 * @param maxUploads requests whose body is being read at once; more get 503 at once without being read
 */
public record ServeOptions(
    String host,
    int port,
    long maxRequestBytes,
    int maxConcurrency,
    int maxQueue,
    Duration queueTimeout,
    Duration shutdownGrace,
    int maxTokensLimit,
    GenerateOptions defaults,
    Duration readTimeout,
    int maxConnections,
    int maxUploads) {

  public static final long DEFAULT_MAX_REQUEST_BYTES = 1 << 20;
  public static final int DEFAULT_MAX_TOKENS = 2048;
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CONNECTIONS = 512;
  public static final int DEFAULT_MAX_UPLOADS = 128;

  public ServeOptions {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("--host must not be empty");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
    if (maxRequestBytes < 256) throw new IllegalArgumentException("--max-request-bytes must be at least 256, got " + maxRequestBytes);
    if (maxConcurrency < 1) throw new IllegalArgumentException("--max-concurrency must be at least 1, got " + maxConcurrency);
    if (maxQueue < 0) throw new IllegalArgumentException("--max-queue must be at least 0, got " + maxQueue);
    if (queueTimeout.isNegative()) throw new IllegalArgumentException("--queue-timeout must not be negative");
    if (shutdownGrace.isNegative()) throw new IllegalArgumentException("--shutdown-grace must not be negative");
    if (maxTokensLimit < 1) throw new IllegalArgumentException("--max-tokens-limit must be at least 1, got " + maxTokensLimit);
    if (readTimeout.toMillis() < 1000 || readTimeout.toMillis() % 1000 != 0)
      throw new IllegalArgumentException("--read-timeout must be a whole number of seconds, at least 1, got " + readTimeout.toMillis() / 1000.0);
    if (maxConnections < 1) throw new IllegalArgumentException("--max-connections must be at least 1, got " + maxConnections);
    if (maxUploads < 1) throw new IllegalArgumentException("--max-uploads must be at least 1, got " + maxUploads);
    if (maxUploads > maxConnections) throw new IllegalArgumentException("--max-uploads (" + maxUploads + ") must not exceed --max-connections (" + maxConnections + ")");
  }

  /**
   * Loopback, the given port, 1 MiB bodies, 1 generation at a time, 16 waiting, the paper's sampling, 30 s
   * to send a request, 512 connections, 128 bodies read at once.
   */
  public static ServeOptions defaults(int port) {
    return new ServeOptions("127.0.0.1", port, DEFAULT_MAX_REQUEST_BYTES, 1, 16, Duration.ofMinutes(5), Duration.ofSeconds(10), DEFAULT_MAX_TOKENS, GenerateOptions.DEFAULTS,
        DEFAULT_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_UPLOADS);
  }

  public ServeOptions withConcurrency(int maxConcurrency, int maxQueue, Duration queueTimeout) {
    return new ServeOptions(host, port, maxRequestBytes, maxConcurrency, maxQueue, queueTimeout, shutdownGrace, maxTokensLimit, defaults, readTimeout, maxConnections, maxUploads);
  }

  public ServeOptions withMaxRequestBytes(long bytes) {
    return new ServeOptions(host, port, bytes, maxConcurrency, maxQueue, queueTimeout, shutdownGrace, maxTokensLimit, defaults, readTimeout, maxConnections, maxUploads);
  }

  public ServeOptions withShutdownGrace(Duration grace) {
    return new ServeOptions(host, port, maxRequestBytes, maxConcurrency, maxQueue, queueTimeout, grace, maxTokensLimit, defaults, readTimeout, maxConnections, maxUploads);
  }

  public ServeOptions withClientLimits(Duration readTimeout, int maxConnections, int maxUploads) {
    return new ServeOptions(host, port, maxRequestBytes, maxConcurrency, maxQueue, queueTimeout, shutdownGrace, maxTokensLimit, defaults, readTimeout, maxConnections, maxUploads);
  }
}
