package lima.train.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generation;
import lima.train.generate.Generator;
import lima.train.generate.TokenListener;

/**
 * A {@link CompletionBackend} over the project's {@link Generator}: one loaded model and tokenizer shared
 * by a pool of {@code parallel} Generators (a Generator runs one generation at a time; the model's
 * weights are read-only during inference, so Generators sharing it may run at once, each with its own
 * KV cache). A call takes a Generator from the pool and waits when all are busy, so at most {@code
 * parallel} generations touch the model at once whatever the caller does.
 */
public final class GeneratorBackend implements CompletionBackend {
  private final Generator owner;
  private final BlockingQueue<Generator> pool;
  private final String modelId;

  /**
   * @param owner the loaded model (closed by {@link #close})
   * @param modelId the name clients use
   * @param parallel Generators sharing the model (generations at once)
   */
  public GeneratorBackend(Generator owner, String modelId, int parallel) {
    if (parallel < 1) throw new IllegalArgumentException("parallel must be at least 1, got " + parallel);
    this.owner = owner;
    this.modelId = modelId;
    this.pool = new ArrayBlockingQueue<>(parallel);
    pool.add(owner);
    for (int i = 1; i < parallel; i++) pool.add(new Generator(owner.model(), owner.tokenizer()));
  }

  /** Loads a model folder (config.json, safetensors, tokenizer); the id is the folder's name unless given. */
  public static GeneratorBackend open(Path modelDir, String modelId, int parallel) throws IOException {
    return open(modelDir, modelId, parallel, lima.train.model.Placement.CPU_FP32);
  }

  /** As {@link #open(Path, String, int)}, on the given device and dtype. */
  public static GeneratorBackend open(Path modelDir, String modelId, int parallel, lima.train.model.Placement placement) throws IOException {
    Generator g = Generator.open(modelDir, placement);
    try {
      String id = modelId != null ? modelId : modelDir.toAbsolutePath().normalize().getFileName().toString();
      return new GeneratorBackend(g, id, parallel);
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
  }

  public Generator generator() {
    return owner;
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int contextLength() {
    return owner.config().maxPositionEmbeddings();
  }

  @Override
  public int[] completionPrompt(String text) {
    return owner.promptIds(text, true);
  }

  @Override
  public int[] chatPrompt(List<String> turns) {
    return owner.chat().prompt(turns);
  }

  @Override
  public Generation generate(int[] promptIds, GenerateOptions options, TokenListener listener) {
    Generator g;
    try {
      g = pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the model", e);
    }
    try {
      return g.generate(promptIds, options, new SplittableRandom(options.seed()), listener);
    } finally {
      pool.add(g);
    }
  }

  /** Closes the model and tokenizer; call only when no generation runs (the server's shutdown does so). */
  @Override
  public void close() {
    owner.close();
  }
}
