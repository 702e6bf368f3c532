package lima.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import lima.eval.Bootstrap;
import lima.eval.Threshold;
import lima.eval.judge.JudgeOptions;
import picocli.CommandLine.Option;

/** Options of the commands that ask a model judge. */
public final class JudgeMixin {
  /** Where API keys are looked up (tests replace it; nothing else reads the environment). */
  static Function<String, String> env = System::getenv;

  @Option(names = "--judge", required = true, paramLabel = "URL", description = "OpenAI-compatible server: http://host:port, .../v1 or .../v1/chat/completions.")
  String url;

  @Option(names = "--judge-model", required = true, paramLabel = "NAME", description = "Model name sent to the judge server (e.g. gpt-4o).")
  String model;

  @Option(names = "--api-key-env", defaultValue = "OPENAI_API_KEY", paramLabel = "VAR", description = "Environment variable holding the API key (default ${DEFAULT-VALUE}); the key is never logged or written.")
  String apiKeyEnv;

  @Option(names = "--concurrency", defaultValue = "4", description = "Requests in flight at once (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--rpm", defaultValue = "0", description = "At most this many requests started per minute; 0 = no limit (default ${DEFAULT-VALUE}).")
  int rpm;

  @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS", description = "Per-request timeout (default ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(names = "--retries", defaultValue = "6", description = "Retries on timeouts, 429, 5xx and malformed answers (default ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--backoff", defaultValue = "2", paramLabel = "SECONDS", description = "First retry delay; doubles per retry, seeded jitter x[0.5,1.5) (default ${DEFAULT-VALUE}).")
  double backoffSeconds;

  @Option(names = "--max-backoff", defaultValue = "120", paramLabel = "SECONDS", description = "Cap on one retry delay and on Retry-After (default ${DEFAULT-VALUE}).")
  double maxBackoffSeconds;

  @Option(names = "--max-tokens", defaultValue = "1024", description = "max_tokens of each judge answer (default ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--max-unparseable", defaultValue = "5%", paramLabel = "N|F|P%", description = "Fail (exit 3) when more judge answers than this have no parseable verdict: a count (3), a fraction (0.05) or a percentage (default ${DEFAULT-VALUE}).")
  String maxUnparseable;

  @Option(names = "--cache", paramLabel = "FILE", description = "Request/answer cache (default OUT/cache.jsonl); re-runs ask only what it lacks.")
  Path cache;

  JudgeOptions options(long seed) {
    String key = apiKeyEnv == null ? null : env.apply(apiKeyEnv);
    return new JudgeOptions(url, model, key, concurrency, rpm, seconds(timeoutSeconds), retries, seconds(backoffSeconds), seconds(maxBackoffSeconds), maxTokens, seed);
  }

  /** A {@code SECONDS} option as a duration, to the millisecond (truncated). */
  private static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }

  Threshold threshold() {
    return Threshold.parse(maxUnparseable);
  }

  /** Shared by every eval command that reports intervals. */
  public static final class BootstrapOption {
    @Option(names = "--bootstrap", defaultValue = "" + Bootstrap.DEFAULT_REPLICATES, paramLabel = "N", description = "Bootstrap resamples for the 95%% intervals (default ${DEFAULT-VALUE}).")
    int replicates;
  }
}
