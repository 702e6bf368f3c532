package lima.train.fit;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lima.train.model.DropoutMasks;
import lima.train.model.LlamaModel;
import lima.train.safetensors.DType;

/** The LLaMA of {@code lima.train.model} as a {@link TrainableModel}, with LIMA's residual dropout. */
public final class LlamaTrainable implements TrainableModel {
  private final LlamaModel model;

  public LlamaTrainable(LlamaModel model) {
    this.model = model;
  }

  public LlamaModel model() {
    return model;
  }

  /**
   * The loader {@code lima train} uses: loads {@code dir} on {@code device}, growing the vocabulary to
   * {@code minVocab} rows when the tokenizer has more ({@link LlamaModel#withAddedTokens}: mean rows), and sets the
   * residual dropout schedule of {@code config}.
   */
  public static TrainableModel load(Path dir, NDManager manager, Device device, TrainConfig config, int minVocab) throws IOException {
    LlamaModel m = LlamaModel.load(dir, manager);
    int extra = minVocab - m.config().vocabSize();
    if (extra > 0) {
      // new rows = the mean of the existing ones (embedding, and an untied head); see docs/train.md
      LlamaModel grown = m.withAddedTokens(extra, manager);
      m.close();
      m = grown;
    }
    double[] d = config.dropouts(m.config().numHiddenLayers());
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    m.setResidualDropout(f);
    return new LlamaTrainable(m);
  }

  /** Logits of a training or evaluation pass; intermediate arrays belong to {@code ids}'s manager. */
  @Override
  public NDArray logits(NDArray ids, DropoutMasks dropout) {
    return dropout == null ? model.forward(ids, null, false, false) : model.forwardTraining(ids, dropout);
  }

  @Override
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> m = new LinkedHashMap<>();
    model.hfParameters().forEach((k, p) -> m.put(k, p.getArray()));
    return m;
  }

  @Override
  public int maxPositions() {
    return model.config().maxPositionEmbeddings();
  }

  @Override
  public int vocabSize() {
    return model.config().vocabSize();
  }

  @Override
  public void save(Path dir) throws IOException {
    model.save(dir, DType.F32);
  }

  @Override
  public void close() {
    model.close();
  }
}
