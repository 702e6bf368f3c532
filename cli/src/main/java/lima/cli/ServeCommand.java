package lima.cli;

import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import lima.core.UserException;
import lima.train.generate.GenerateOptions;
import lima.train.serve.OpenAiServer;
import lima.train.serve.ServeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lima serve}: an OpenAI-compatible HTTP server over a model folder, until SIGTERM / Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a Hugging Face LLaMA folder over an OpenAI-compatible HTTP API: /v1/chat/completions, /v1/completions (both with \"stream\": true), /v1/models.",
      "Runs until SIGTERM or Ctrl-C: then stops accepting, lets running requests finish for --shutdown-grace, cancels the rest and closes the model. See docs/serve.md."
    })
public final class ServeCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (config.json, safetensors, tokenizer).")
  Path model;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
  String host;

  @Option(names = "--port", defaultValue = "8000", paramLabel = "P", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--model-id", paramLabel = "NAME", description = "Name served in /v1/models and expected in requests' \"model\" (default: the folder's name).")
  String modelId;

  @Option(names = "--max-request-bytes", defaultValue = "1048576", paramLabel = "N", description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(names = "--max-concurrency", defaultValue = "8", paramLabel = "N", description = "Generations running at once, batched in one decoding loop (default: ${DEFAULT-VALUE}).")
  int maxConcurrency;

  @Option(names = "--max-queue", defaultValue = "16", paramLabel = "N", description = "Generation requests that may wait for a free slot; more get 429 (default: ${DEFAULT-VALUE}).")
  int maxQueue;

  @Option(names = "--queue-timeout", defaultValue = "300", paramLabel = "SECONDS", description = "A waiting request gets 503 after this long (default: ${DEFAULT-VALUE}).")
  double queueTimeout;

  @Option(names = "--shutdown-grace", defaultValue = "10", paramLabel = "SECONDS", description = "On SIGTERM / Ctrl-C, running requests may finish for this long before they are cancelled (default: ${DEFAULT-VALUE}).")
  double shutdownGrace;

  @Option(names = "--read-timeout", defaultValue = "30", paramLabel = "SECONDS", description = "A connection that has not sent its whole request this long after its first byte is closed (whole seconds; default: ${DEFAULT-VALUE}).")
  long readTimeout;

  @Option(names = "--max-connections", defaultValue = "512", paramLabel = "N", description = "Open connections at most; new ones beyond are closed at once (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--max-uploads", defaultValue = "128", paramLabel = "N", description = "Request bodies read at once; more get 503 at once (default: ${DEFAULT-VALUE}).")
  int maxUploads;

  @Option(names = "--max-tokens-limit", defaultValue = "2048", paramLabel = "N", description = "Largest max_tokens accepted, and the default when a request gives none (default: ${DEFAULT-VALUE}, as in the paper).")
  int maxTokensLimit;

  @Option(names = "--temperature", defaultValue = "0.7", paramLabel = "T", description = "Default temperature for requests without one (default: ${DEFAULT-VALUE}).")
  float temperature;

  @Option(names = "--top-p", defaultValue = "0.9", paramLabel = "P", description = "Default top_p (default: ${DEFAULT-VALUE}).")
  float topP;

  @Option(names = "--repetition-penalty", defaultValue = "1.2", paramLabel = "R", description = "Default repetition_penalty (default: ${DEFAULT-VALUE}).")
  float repetitionPenalty;

  @Option(names = {"-q", "--quiet"}, description = "No per-request log lines on stderr.")
  boolean quiet;

  @Mixin PlacementOptions dev;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The running server, for tests (null before it started). */
  volatile OpenAiServer server;

  final CountDownLatch started = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    ServeOptions opts;
    try {
      opts = new ServeOptions(host, port, maxRequestBytes, maxConcurrency, maxQueue, seconds(queueTimeout, "--queue-timeout"), seconds(shutdownGrace, "--shutdown-grace"),
          maxTokensLimit, new GenerateOptions(maxTokensLimit, temperature, topP, repetitionPenalty, 0, List.of(), false),
          Duration.ofSeconds(readTimeout), maxConnections, maxUploads);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OpenAiServer s;
    try {
      s = OpenAiServer.open(model, modelId, opts, quiet ? null : line -> {
        synchronized (err) {
          err.println(line);
          err.flush();
        }
      }, dev.placement());
    } catch (BindException e) {
      throw new UserException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")");
    }
    server = s;
    CountDownLatch printed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      s.close();
      try {
        printed.await(5, TimeUnit.SECONDS); // let the summary line out before the JVM exits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "lima-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.printf("serving %s at %s/v1 (Ctrl-C to stop)%n", s.modelId(), s.baseUri());
    out.flush();
    started.countDown();
    try {
      s.awaitTermination();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook is what stopped us
      }
      out.printf("stopped: %,d completions served, %,d error responses%n", s.completionsServed(), s.errorsSent());
      out.flush();
      printed.countDown();
    }
    return 0;
  }

  private static Duration seconds(double s, String option) {
    if (!(s >= 0) || Double.isInfinite(s)) throw new IllegalArgumentException(option + " must be a number of seconds >= 0, got " + s);
    return Duration.ofMillis(Math.round(s * 1000));
  }
}
