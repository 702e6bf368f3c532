package lima.train.fit;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import lima.core.Hashing;
import lima.train.model.DropoutMasks;

/**
 * Residual-dropout masks that are a function of (seed, step, example, layer, branch) and nothing else:
 * row {@code b} of a micro-batch holds dataset example {@code examples[b]}, and its mask for branch
 * {@code site} of layer {@code layer} at optimizer step {@code step} is drawn position by position,
 * hidden unit by hidden unit, from {@code Hashing.rng(seed, "dropout/<step>/<example>/<layer>/<site>")}.
 * So which examples share a micro-batch, how long the padded batch is, and how many threads the engine
 * uses cannot change a single draw: {@code --micro-batch} changes speed and memory, not the result.
 *
 * <p>Each draw is 32 bits of the generator; a unit is dropped when they are below {@code p * 2^32},
 * and a kept unit is scaled by {@code 1/(1-p)} (inverted dropout, as torch does).
 */
public record SeededDropout(long seed, long step, int[] examples) implements DropoutMasks {
  @Override
  public NDArray mask(int layer, int site, float p, NDArray x) {
    long[] shape = x.getShape().getShape();
    if (shape.length != 3 || shape[0] != examples.length)
      throw new IllegalArgumentException("dropout of " + x.getShape() + " for " + examples.length + " examples");
    int t = (int) shape[1], h = (int) shape[2];
    int per = t * h;
    float[] m = new float[examples.length * per];
    long threshold = (long) Math.floor(p * 4294967296.0);
    float keep = 1f / (1f - p);
    for (int b = 0; b < examples.length; b++) {
      SplittableRandom r = Hashing.rng(seed, "dropout/" + step + "/" + examples[b] + "/" + layer + "/" + site);
      int base = b * per;
      for (int i = 0; i < per; i += 2) {
        long bits = r.nextLong();
        m[base + i] = (bits >>> 32) < threshold ? 0f : keep;
        if (i + 1 < per) m[base + i + 1] = (bits & 0xffffffffL) < threshold ? 0f : keep;
      }
    }
    NDArray mask = x.getManager().create(m, x.getShape());
    return mask.getDataType() == x.getDataType() ? mask : mask.toType(x.getDataType(), false);
  }
}
