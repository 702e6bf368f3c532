package lima.train.fit;

import ai.djl.ndarray.NDArray;
import lima.train.model.DropoutMasks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the trainer needs of a causal language model: logits for a batch of token ids, its weights
 * by (Hugging Face) name, and a way to save them as a model folder. The LLaMA of {@code
 * lima.train.model} is adapted to it by {@link LlamaTrainable}; tests use small stand-ins.
 */
public interface TrainableModel extends AutoCloseable {
  /**
   * Logits {@code [batch, time, vocab]} (float32) for {@code ids [batch, time]} (int32); with {@code
   * dropout} (a training pass) residual dropout is on and takes its masks from it, without (null) it is
   * off. Every array the call makes belongs to {@code ids}'s manager or one below it, so closing that
   * manager frees the step.
   */
  NDArray logits(NDArray ids, DropoutMasks dropout);

  /** The trained weights by name, in a stable order (the optimizer state is saved in this order). */
  Map<String, NDArray> parameters();

  /** Vocabulary size (rows of the embedding matrix). */
  int vocabSize();

  /** Longest sequence the model takes (its position table); longer examples are trimmed to it. */
  default int maxPositions() {
    return Integer.MAX_VALUE;
  }

  /** Writes {@code config.json} and {@code model.safetensors} (fp32) into {@code dir}. */
  void save(Path dir) throws IOException;

  @Override
  void close();
}
