package lima.train.model;

/**
 * How many CPU threads decoding uses by default, by model size, from measurements (docs/generate.md,
 * "Threads"): one thread when the weights take less than 16 MB (they stay in the CPU caches and a step takes
 * well under a millisecond, so handing work to other cores costs more than it saves), otherwise every core
 * the JVM sees (a larger model is bound by memory bandwidth, which one core cannot use up). {@code
 * -Dlima.threads=N} overrides it. The same rule sets PyTorch's threads when the DJL model decodes on the CPU
 * (float16), unless {@code ai.djl.pytorch.num_threads} is given.
 */
public final class DecodeThreads {
  private DecodeThreads() {}

  /** Weights below this many bytes (fp32) decode on one thread. */
  public static final long ONE_THREAD_BELOW_BYTES = 16L << 20;

  public static int of(LlamaConfig c) {
    Integer forced = Integer.getInteger("lima.threads");
    if (forced != null && forced > 0) return forced;
    return c.parameterCount() * 4L < ONE_THREAD_BELOW_BYTES ? 1 : Runtime.getRuntime().availableProcessors();
  }
}
