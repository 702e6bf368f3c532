package lima.train.fit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import lima.train.model.LlamaConfig;
import lima.train.safetensors.DType;
import lima.train.safetensors.SafetensorsCheckpoint;
import lima.train.safetensors.SafetensorsWriter;

/**
 * Grows a model's vocabulary for tokens added at fine-tuning time (the end-of-turn token): the
 * embedding matrix, and the output head when it is not tied, get new rows initialised to the mean of
 * the existing rows (a tied head grows once, with the embedding). The mean row gives the new token
 * the average input embedding and, in the head, logits near the average, so it starts neither
 * dominant nor impossible. Writes a fp32 model folder with {@code vocab_size} updated.
 */
public final class VocabGrowth {
  private VocabGrowth() {}

  static final String[] MATRICES = {"model.embed_tokens.weight", "lm_head.weight"};

  /** Rows of {@code m [rows, cols]} plus {@code extra} rows equal to the column means. */
  public static float[] growRows(float[] m, int rows, int cols, int extra) {
    float[] out = java.util.Arrays.copyOf(m, (rows + extra) * cols);
    double[] mean = new double[cols];
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) mean[c] += m[r * cols + c];
    for (int e = 0; e < extra; e++) for (int c = 0; c < cols; c++) out[(rows + e) * cols + c] = (float) (mean[c] / rows);
    return out;
  }

  /** Writes {@code from} grown to {@code vocab} rows into {@code to}; returns the new config. */
  public static LlamaConfig grow(Path from, int vocab, Path to) throws IOException {
    LlamaConfig c = LlamaConfig.read(from);
    if (vocab < c.vocabSize()) throw new IllegalArgumentException("cannot shrink the vocabulary from " + c.vocabSize() + " to " + vocab);
    int extra = vocab - c.vocabSize();
    LlamaConfig grown = new LlamaConfig(c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.intermediateSize(),
        c.rmsNormEps(), c.ropeTheta(), c.tieWordEmbeddings(), c.bosTokenId(), c.eosTokenIds(), c.maxPositionEmbeddings(), vocab, c.headDim(), "float32");
    SafetensorsWriter w = new SafetensorsWriter(DType.F32, 5_000_000_000L, null);
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(from)) {
      for (Map.Entry<String, long[]> e : c.expectedTensors().entrySet()) {
        float[] data = ck.readArray(e.getKey());
        long[] shape = e.getValue().clone();
        if (java.util.Arrays.asList(MATRICES).contains(e.getKey())) {
          data = growRows(data, (int) shape[0], (int) shape[1], extra);
          shape[0] += extra;
        }
        w.add(e.getKey(), shape, data);
      }
    }
    w.write(to);
    grown.write(to);
    return grown;
  }
}
