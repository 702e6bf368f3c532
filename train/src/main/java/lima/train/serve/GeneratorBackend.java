package lima.train.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import lima.train.generate.BatchingGenerator;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generation;
import lima.train.generate.Generator;
import lima.train.generate.TokenListener;

/**
 * A {@link CompletionBackend} over the project's {@link Generator}: one loaded model and one decoding loop
 * ({@link BatchingGenerator}) that batches concurrent requests, at most {@code parallel} in a step; requests
 * join and leave between steps, each with its own seed, sampler and stop conditions, and each answer is the
 * one the request gets alone. Streaming deltas reach each caller's listener on the caller's own thread.
 */
public final class GeneratorBackend implements CompletionBackend {
  private final Generator owner;
  private final BatchingGenerator batching;
  private final String modelId;

  /**
   * @param owner the loaded model (closed by {@link #close})
   * @param modelId the name clients use
   * @param parallel requests decoded together in one step (the batch size)
   */
  public GeneratorBackend(Generator owner, String modelId, int parallel) {
    if (parallel < 1) throw new IllegalArgumentException("parallel must be at least 1, got " + parallel);
    this.owner = owner;
    this.modelId = modelId;
    this.batching = new BatchingGenerator(owner, parallel);
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
    return batching.generate(promptIds, options, new SplittableRandom(options.seed()), listener);
  }

  /** Closes the model and tokenizer; call only when no generation runs (the server's shutdown does so). */
  @Override
  public void close() {
    batching.close();
    owner.close();
  }
}
