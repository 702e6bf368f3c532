package lima.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * A {@link Decoder} over the DJL {@link LlamaModel} (any device, fp32 or float16): the GPU and float16 path.
 * Sequences of one call run one after the other, each with its own {@link KvCache}, so batching changes
 * nothing in any sequence's result. The model is not closed by {@link #close()} unless {@code owns}.
 */
public final class DjlDecoder implements Decoder {
  private final LlamaModel model;
  private final NDManager manager;
  private final boolean owns;

  public DjlDecoder(LlamaModel model, boolean owns) {
    this.model = model;
    this.manager = model.manager();
    this.owns = owns;
  }

  public LlamaModel model() {
    return model;
  }

  @Override
  public LlamaConfig config() {
    return model.config();
  }

  @Override
  public Decoder.State newState() {
    return new CacheState(model.newCache());
  }

  private record CacheState(KvCache cache) implements Decoder.State {
    @Override
    public int length() {
      return cache.length();
    }

    @Override
    public void clear() {
      cache.clear();
    }

    @Override
    public void close() {
      cache.close();
    }
  }

  @Override
  public void forward(Decoder.State[] states, int[][] feeds, float[][] logits) {
    for (int s = 0; s < states.length; s++) {
      int[] ids = feeds[s];
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = ids[i];
        NDArray x = manager.create(l, new Shape(1, ids.length));
        float[] out = model.forward(x, ((CacheState) states[s]).cache(), false, true).toFloatArray();
        System.arraycopy(out, 0, logits[s], 0, out.length);
      }
    }
  }

  @Override
  public void close() {
    if (owns) model.close();
  }
}
