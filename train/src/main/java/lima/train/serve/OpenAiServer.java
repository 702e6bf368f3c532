package lima.train.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import lima.core.Json;
import lima.train.generate.FinishReason;
import lima.train.generate.Generation;

/**
 * An OpenAI-compatible HTTP server over one {@link CompletionBackend}, on the JDK's {@code
 * com.sun.net.httpserver}: {@code GET /v1/models}, {@code GET /v1/models/{id}}, {@code POST
 * /v1/chat/completions}, {@code POST /v1/completions} (both with {@code "stream": true} as Server-Sent
 * Events) and {@code GET /health}. See docs/serve.md.
 *
 * <p>Bounds: request bodies over {@code maxRequestBytes} get 413 without being read; at most {@code
 * maxConcurrency} generations run at once, up to {@code maxQueue} more wait (in arrival order) for at
 * most {@code queueTimeout} (then 503 with Retry-After) and any beyond that get 429 with Retry-After at
 * once.
 *
 * <p>Slow and stalled clients: a connection that has not sent its whole request {@code readTimeout}
 * after its first byte is closed (the JDK server's {@code sun.net.httpserver.maxReqTime}); at most
 * {@code maxConnections} connections are open ({@code jdk.httpserver.maxConnections}; the JDK server
 * closes new ones beyond); at most {@code maxUploads} request bodies are read at once, more get 503
 * {@code too_many_uploads} at once. Every connection gets a worker thread of its own while it sends its
 * request (a cached pool bounded by {@code maxConnections}), so stalled clients never keep {@code
 * /health} or a well-behaved request waiting. Both JDK settings are system properties read once per JVM:
 * the first server started sets them (a {@code -D} given by the user wins), see {@link #readTimeout}.
 *
 * <p>Request bodies are parsed with bounds ({@value #MAX_NESTING_DEPTH} levels of nesting, numbers of
 * {@value #MAX_NUMBER_LENGTH} characters, field names of {@value #MAX_NAME_LENGTH}); a body that is not
 * valid JSON or breaks a bound gets 400 {@code invalid_json} saying what is wrong.
 *
 * <p>{@link #close} stops accepting connections, lets running requests go on for {@code shutdownGrace},
 * then cancels them (a stream gets an error event, a waiting request 503), and closes the backend.
 */
public final class OpenAiServer implements AutoCloseable {
  static final int MAX_NESTING_DEPTH = 100;
  static final int MAX_NUMBER_LENGTH = 1000;
  static final int MAX_NAME_LENGTH = 1000;
  private static final int EXTRA_THREADS = 4;

  // The JDK server reads these once per JVM (ServerConfig's static initialiser).
  private static Duration jvmReadTimeout;
  private static int jvmMaxConnections;

  private final CompletionBackend backend;
  private final ServeOptions opts;
  private final Consumer<String> log;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final Semaphore slots;
  private final Semaphore uploads;
  private final ObjectReader reader;
  private final Duration readTimeout;
  private final int maxConnections;
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicInteger generating = new AtomicInteger(); // admitted, until the exchange is closed
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final long createdAt = Instant.now().getEpochSecond();
  private final AtomicLong completions = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean draining;
  private volatile boolean cancelled;

  private OpenAiServer(CompletionBackend backend, ServeOptions opts, Consumer<String> log) throws IOException {
    this.backend = backend;
    this.opts = opts;
    this.log = log;
    this.slots = new Semaphore(opts.maxConcurrency(), true);
    this.uploads = new Semaphore(opts.maxUploads());
    this.reader = requestReader(opts.maxRequestBytes());
    synchronized (OpenAiServer.class) {
      if (jvmReadTimeout == null) {
        jvmReadTimeout = Duration.ofSeconds(jdkProperty("sun.net.httpserver.maxReqTime", opts.readTimeout().toSeconds()));
        jvmMaxConnections = (int) jdkProperty("jdk.httpserver.maxConnections", opts.maxConnections());
      }
      this.readTimeout = jvmReadTimeout;
      this.maxConnections = jvmMaxConnections;
    }
    // One thread per connection that is sending or being answered: a stalled client holds only its own,
    // and only until the read timeout closes it; past maxConnections the JDK server refuses connections.
    int threads = Math.max(maxConnections, 1) + opts.maxConcurrency() + EXTRA_THREADS;
    this.executor = new ThreadPoolExecutor(0, threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "lima-serve-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(opts.host(), opts.port()), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** A JDK server setting: the user's {@code -D} if given, else {@code value}, which is set. */
  private static long jdkProperty(String key, long value) {
    String v = System.getProperty(key);
    if (v != null) {
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("-D" + key + " must be a whole number, got '" + v + "'");
      }
    }
    System.setProperty(key, Long.toString(value));
    return value;
  }

  /** Standard JSON (no NaN, no trailing tokens), parsed within the server's bounds. */
  private static ObjectReader requestReader(long maxRequestBytes) {
    StreamReadConstraints limits = StreamReadConstraints.builder()
        .maxNestingDepth(MAX_NESTING_DEPTH)
        .maxNumberLength(MAX_NUMBER_LENGTH)
        .maxNameLength(MAX_NAME_LENGTH)
        .maxStringLength((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes))
        .build();
    JsonFactory factory = JsonFactory.builder().streamReadConstraints(limits).build();
    return JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build().reader();
  }

  /**
   * Binds and starts serving. The backend is owned by the server from here on: {@link #close} closes it.
   *
   * @param log receives one line per request (method, path, status, tokens, milliseconds)
   */
  public static OpenAiServer start(CompletionBackend backend, ServeOptions opts, Consumer<String> log) throws IOException {
    OpenAiServer s = new OpenAiServer(backend, opts, log);
    s.server.start();
    return s;
  }

  /**
   * Loads a model folder and serves it: the entry point of {@code lima serve}. {@code maxConcurrency}
   * Generators share the one loaded model. The model id is {@code modelId}, or the folder's name. One
   * token is generated before the port opens (warm-up).
   */
  public static OpenAiServer open(java.nio.file.Path modelDir, String modelId, ServeOptions opts, Consumer<String> log) throws IOException {
    return open(modelDir, modelId, opts, log, lima.train.model.Placement.CPU_FP32);
  }

  /** As {@link #open(java.nio.file.Path, String, ServeOptions, Consumer)}, with the model on the given device and dtype. */
  public static OpenAiServer open(java.nio.file.Path modelDir, String modelId, ServeOptions opts, Consumer<String> log, lima.train.model.Placement placement) throws IOException {
    GeneratorBackend backend = GeneratorBackend.open(modelDir, modelId, opts.maxConcurrency(), placement);
    try {
      // One token first, so the engine's one-off start-up cost is not paid by the first client.
      backend.generate(backend.completionPrompt(""), opts.defaults().withMaxNewTokens(1).withTemperature(0).withStop(java.util.List.of()), lima.train.generate.TokenListener.NONE);
      return start(backend, opts, log);
    } catch (IOException | RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  /** The model id served. */
  public String modelId() {
    return backend.modelId();
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@code http://host:port} */
  public URI baseUri() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) host = "[" + host + "]";
    return URI.create("http://" + host + ":" + a.getPort());
  }

  /**
   * How long a client may take to send its request; fixed for the JVM by the first server (or {@code
   * -Dsun.net.httpserver.maxReqTime}), so it can differ from this server's options.
   */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** Most open connections; fixed for the JVM like {@link #readTimeout}. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Completions answered so far (streamed or not). */
  public long completionsServed() {
    return completions.get();
  }

  /** Error responses sent so far. */
  public long errorsSent() {
    return errors.get();
  }

  /** Generation requests running or waiting for a slot now. */
  public int generationsAdmitted() {
    return admitted.get();
  }

  /** Blocks until {@link #close} has finished (from another thread, e.g. a shutdown hook). */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /**
   * Stops accepting, waits up to the shutdown grace for running requests, cancels what is left, closes
   * the backend. Safe to call more than once and from several threads; every call returns once done.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      try {
        terminated.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      draining = true;
      long graceMs = opts.shutdownGrace().toMillis();
      // stop() closes the listening socket at once, then waits for the exchanges the JDK counts; it never
      // uncounts one whose connection the read timeout closed, so we wait for our generations ourselves
      // and then end its wait with stop(0), which closes every connection left.
      Thread stopper = Thread.ofPlatform().daemon().name("lima-serve-stop").start(() -> server.stop((int) Math.ceil(graceMs / 1000.0) + 5));
      waitForGenerations(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs));
      cancelled = true;
      waitForGenerations(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)); // each stops at its next token
      server.stop(0);
      try {
        stopper.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor.shutdown();
      try {
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) executor.shutdownNow();
      } catch (InterruptedException e) {
        executor.shutdownNow();
        Thread.currentThread().interrupt();
      }
      // A cancelled generation stops at its next token; never free the model under a running one.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (admitted.get() > 0 && System.nanoTime() < until) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } finally {
      try {
        if (admitted.get() == 0) backend.close();
        else if (log != null) log.accept("shutdown: " + admitted.get() + " generation(s) still running after the grace; the model is left to the process exit");
      } finally {
        terminated.countDown();
      }
    }
  }

  /** Until no generation exchange is running or waiting (answer sent and closed), or the deadline. */
  private void waitForGenerations(long deadlineNanos) {
    while (generating.get() > 0 && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Routing

  private void handle(HttpExchange ex) {
    long t0 = System.nanoTime();
    int[] status = {0};
    String tokens = "";
    boolean counted = false;
    try {
      try {
        if (draining) throw new ApiException(503, "server_error", null, "shutting_down", "the server is shutting down", 5);
        String path = ex.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        String method = ex.getRequestMethod();
        if (path.equals("/v1/models")) {
          allow(method, "GET");
          status[0] = sendJson(ex, 200, modelList());
        } else if (path.startsWith("/v1/models/")) {
          allow(method, "GET");
          String id = path.substring("/v1/models/".length());
          if (!id.equals(backend.modelId()))
            throw new ApiException(404, "invalid_request_error", "model", "model_not_found", "The model '" + id + "' does not exist; this server serves '" + backend.modelId() + "'", null);
          status[0] = sendJson(ex, 200, model());
        } else if (path.equals("/v1/chat/completions") || path.equals("/v1/completions")) {
          allow(method, "POST");
          boolean chat = path.equals("/v1/chat/completions");
          CompletionRequest req = CompletionRequest.parse(readJson(ex), chat, backend, opts);
          generating.incrementAndGet();
          counted = true;
          tokens = admitAndRun(ex, req, status);
        } else if (path.equals("/health")) {
          allow(method, "GET");
          ObjectNode h = Json.MAPPER.createObjectNode().put("status", "ok").put("model", backend.modelId());
          status[0] = sendJson(ex, 200, h);
        } else {
          throw new ApiException(404, "invalid_request_error", null, "unknown_url", "Unknown request URL: " + method + " " + path + " (see /v1/models, /v1/chat/completions, /v1/completions)", null);
        }
      } catch (ApiException e) {
        if (e.status() == 405) ex.getResponseHeaders().set("Allow", e.param());
        status[0] = sendError(ex, e);
      } catch (RuntimeException e) {
        status[0] = sendError(ex, new ApiException(500, "server_error", null, "internal_error", "internal error: " + e, null));
      }
    } catch (IOException | UncheckedIOException e) {
      status[0] = -1; // client gone while we answered, or closed by the read timeout
      tokens = " connection closed (" + e.getMessage() + ")";
    } finally {
      ex.close();
      if (counted) generating.decrementAndGet();
      if (log != null)
        log.accept(String.format("%s %s %d%s %d ms", ex.getRequestMethod(), ex.getRequestURI().getPath(), status[0], tokens, (System.nanoTime() - t0) / 1_000_000));
    }
  }

  private static void allow(String method, String allowed) {
    if (method.equals(allowed) || (method.equals("HEAD") && allowed.equals("GET"))) return;
    String allow = allowed.equals("GET") ? "GET, HEAD" : allowed;
    throw new ApiException(405, "invalid_request_error", allow, "method_not_allowed", "Method " + method + " is not allowed here; use " + allowed, null);
  }

  private JsonNode readJson(HttpExchange ex) throws IOException {
    long max = opts.maxRequestBytes();
    String cl = ex.getRequestHeaders().getFirst("Content-Length");
    if (cl != null) {
      long len;
      try {
        len = Long.parseLong(cl.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(null, "invalid_body", "bad Content-Length: " + cl);
      }
      if (len > max) throw tooLarge(len);
    }
    // A body being read holds a thread and up to max bytes until it is complete or the read timeout
    // closes it: only maxUploads at once, so slow uploads cannot pile up.
    if (!uploads.tryAcquire()) {
      ex.getResponseHeaders().set("Connection", "close");
      throw new ApiException(503, "server_error", null, "too_many_uploads",
          opts.maxUploads() + " requests are already sending their bodies (--max-uploads); retry later", 1);
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    } finally {
      uploads.release();
    }
    if (body.length > max) throw tooLarge(-1);
    if (body.length == 0) throw ApiException.badRequest(null, "invalid_body", "the request body is empty; send a JSON object");
    try {
      return reader.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(null, "invalid_json", invalidJsonMessage(e));
    }
  }

  /** What is wrong with a body, in a user's words: no parser class names, features or source excerpts. */
  static String invalidJsonMessage(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof StreamConstraintsException) {
      if (m.contains("NestingDepth")) return "the request body nests objects and arrays more than " + MAX_NESTING_DEPTH + " levels deep";
      if (m.contains("NumberLength")) return "the request body holds a number longer than " + MAX_NUMBER_LENGTH + " characters";
      if (m.contains("NameLength")) return "the request body holds a field name longer than " + MAX_NAME_LENGTH + " characters";
      if (m.contains("StringLength")) return "the request body holds a string longer than the request size limit";
      return "the request body is too large or too deeply nested to read";
    }
    String what;
    if (m.startsWith("Unexpected end-of-input")) what = "it ends before the JSON value is complete (an unclosed object, array or string?)";
    else if (m.startsWith("Trailing token")) what = "there is more text after the JSON value";
    else {
      what = m.lines().findFirst().orElse("").replaceAll(" \\(code -?\\d+\\)", "").replaceAll("\\s*(\\(for \\w+ starting at )?\\[Source:.*", "");
      int tick = what.indexOf('`');
      if (tick >= 0) {
        // "...: enable `JsonReadFeature.X` to allow": keep what comes before the clause naming internals
        what = what.substring(0, tick);
        int cut = Math.max(what.lastIndexOf(": "), Math.max(what.lastIndexOf("; "), what.lastIndexOf(" (")));
        if (cut > 0) what = what.substring(0, cut);
      }
      if (what.isBlank()) what = "malformed JSON";
      what = what.trim();
    }
    JsonLocation at = e.getLocation();
    String where = at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")" : "";
    return "the request body is not valid JSON: " + what + where;
  }

  private ApiException tooLarge(long len) {
    return new ApiException(413, "invalid_request_error", null, "request_too_large",
        "the request body is " + (len >= 0 ? len + " bytes" : "larger than the limit") + "; at most " + opts.maxRequestBytes() + " bytes are accepted (--max-request-bytes)", null);
  }

  private ObjectNode model() {
    return Json.MAPPER.createObjectNode().put("id", backend.modelId()).put("object", "model").put("created", createdAt).put("owned_by", "lima");
  }

  private ObjectNode modelList() {
    ObjectNode o = Json.MAPPER.createObjectNode().put("object", "list");
    o.putArray("data").add(model());
    return o;
  }

  // ---------------------------------------------------------------------------------------------
  // Admission

  private String admitAndRun(HttpExchange ex, CompletionRequest req, int[] status) throws IOException {
    if (admitted.incrementAndGet() > opts.maxConcurrency() + opts.maxQueue()) {
      admitted.decrementAndGet();
      throw new ApiException(429, "rate_limit_error", null, "server_busy",
          "the server is busy: " + opts.maxConcurrency() + " generation(s) running and " + opts.maxQueue() + " waiting; retry later", 1);
    }
    try {
      long deadline = System.nanoTime() + opts.queueTimeout().toNanos();
      try {
        while (!slots.tryAcquire(Math.min(100_000_000L, Math.max(0, deadline - System.nanoTime())), TimeUnit.NANOSECONDS)) {
          if (cancelled) throw new ApiException(503, "server_error", null, "shutting_down", "the server is shutting down", 5);
          if (System.nanoTime() >= deadline)
            throw new ApiException(503, "server_error", null, "queue_timeout",
                "no generation slot became free within " + opts.queueTimeout().toSeconds() + " s (--queue-timeout); retry later", 1);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(503, "server_error", null, "shutting_down", "the server is shutting down", 5);
      }
      try {
        return run(ex, req, status);
      } finally {
        slots.release();
      }
    } finally {
      admitted.decrementAndGet();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Generation

  private String run(HttpExchange ex, CompletionRequest req, int[] status) throws IOException {
    String id = (req.chat() ? "chatcmpl-" : "cmpl-") + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    long created = Instant.now().getEpochSecond();
    int[] prompt = req.prompt();
    if (!req.stream()) {
      Generation g = backend.generate(prompt, req.options(), (tok, delta) -> !cancelled);
      if (g.finishReason() == FinishReason.CANCELLED)
        throw new ApiException(503, "server_error", null, "shutting_down", "the server shut down before the completion was finished", 5);
      String finish = g.finishReason().openAi();
      ObjectNode r = Json.MAPPER.createObjectNode().put("id", id).put("object", req.chat() ? "chat.completion" : "text_completion").put("created", created).put("model", backend.modelId());
      ObjectNode c = r.putArray("choices").addObject().put("index", 0);
      if (req.chat()) c.putObject("message").put("role", "assistant").put("content", g.text());
      else c.put("text", g.text());
      c.putNull("logprobs");
      c.put("finish_reason", finish);
      r.set("usage", usage(g.promptTokens(), g.completionTokens()));
      status[0] = sendJson(ex, 200, r);
      completions.incrementAndGet();
      return " " + g.promptTokens() + "+" + g.completionTokens() + " tokens " + g.finishReason().id();
    }

    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, 0);
    status[0] = 200;
    Sse sse = new Sse(ex.getResponseBody(), req, id, created);
    if (req.chat()) sse.chunk(Json.MAPPER.createObjectNode().put("role", "assistant").put("content", ""), null);
    Generation g;
    try {
      g = backend.generate(prompt, req.options(), (tok, delta) -> {
        if (!delta.isEmpty()) sse.text(delta);
        return !cancelled && !sse.broken;
      });
    } catch (RuntimeException e) {
      sse.error(new ApiException(500, "server_error", null, "internal_error", "generation failed: " + e, null));
      errors.incrementAndGet();
      return " failed mid-stream: " + e;
    }
    if (sse.broken) return " client gone after " + g.completionTokens() + " tokens";
    if (g.finishReason() == FinishReason.CANCELLED) {
      sse.error(new ApiException(503, "server_error", null, "shutting_down", "the server shut down before the completion was finished", null));
      return " cancelled by shutdown after " + g.completionTokens() + " tokens";
    }
    String finish = g.finishReason().openAi();
    sse.chunk(req.chat() ? Json.MAPPER.createObjectNode() : null, finish);
    if (req.includeUsage()) sse.usage(usage(g.promptTokens(), g.completionTokens()));
    sse.send("[DONE]");
    completions.incrementAndGet();
    return " " + g.promptTokens() + "+" + g.completionTokens() + " tokens " + g.finishReason().id() + " (stream)";
  }

  private static ObjectNode usage(int promptTokens, int completionTokens) {
    return Json.MAPPER.createObjectNode().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
  }

  /** Server-Sent Events writer of one response; remembers a failed write (the client went away). */
  private final class Sse {
    final OutputStream out;
    final CompletionRequest req;
    final String id;
    final long created;
    boolean broken;

    Sse(OutputStream out, CompletionRequest req, String id, long created) {
      this.out = out;
      this.req = req;
      this.id = id;
      this.created = created;
    }

    ObjectNode base() {
      return Json.MAPPER.createObjectNode().put("id", id).put("object", req.chat() ? "chat.completion.chunk" : "text_completion").put("created", created).put("model", backend.modelId());
    }

    void text(String piece) {
      if (req.chat()) chunk(Json.MAPPER.createObjectNode().put("content", piece), null);
      else chunk(null, null, piece);
    }

    void chunk(ObjectNode delta, String finish) {
      chunk(delta, finish, "");
    }

    void chunk(ObjectNode delta, String finish, String completionText) {
      ObjectNode r = base();
      ObjectNode c = r.putArray("choices").addObject().put("index", 0);
      if (req.chat()) c.set("delta", delta);
      else c.put("text", completionText);
      c.putNull("logprobs");
      if (finish == null) c.putNull("finish_reason");
      else c.put("finish_reason", finish);
      if (req.includeUsage()) r.putNull("usage");
      send(r.toString());
    }

    void usage(ObjectNode usage) {
      ObjectNode r = base();
      r.putArray("choices");
      r.set("usage", usage);
      send(r.toString());
    }

    void error(ApiException e) {
      send(errorBody(e).toString());
    }

    void send(String data) {
      if (broken) return;
      try {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        broken = true;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Responses

  static ObjectNode errorBody(ApiException e) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    ObjectNode err = r.putObject("error").put("message", e.getMessage()).put("type", e.type());
    if (e.param() == null || e.status() == 405) err.putNull("param");
    else err.put("param", e.param());
    if (e.code() == null) err.putNull("code");
    else err.put("code", e.code());
    return r;
  }

  private int sendError(HttpExchange ex, ApiException e) throws IOException {
    errors.incrementAndGet();
    if (e.retryAfterSeconds() != null) ex.getResponseHeaders().set("Retry-After", e.retryAfterSeconds().toString());
    return sendJson(ex, e.status(), errorBody(e));
  }

  private static int sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    if (ex.getRequestMethod().equals("HEAD")) {
      // The JDK wants HEAD's Content-Length set by hand and -1 passed (else it logs a warning).
      ex.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
      ex.sendResponseHeaders(status, -1);
      return status;
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
    return status;
  }

}
