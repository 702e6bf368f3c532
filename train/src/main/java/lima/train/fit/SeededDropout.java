package lima.train.fit;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import lima.core.Hashing;
import lima.train.model.DropoutMasks;

/**
 * Residual-dropout masks that are a function of (seed, step, example, layer, branch) and nothing else:
 * row {@code b} of a micro-batch holds dataset example {@code examples[b]}, and its mask for branch
 * {@code site} of layer {@code layer} at optimizer step {@code step} is drawn in blocks of {@value
 * #BLOCK} positions: block {@code k} position by position, hidden unit by hidden unit, from {@code
 * Hashing.rng(seed, "dropout/<step>/<example>/<layer>/<site>/<k>")}. So which examples share a
 * micro-batch, how long the padded batch is, and how many threads draw (blocks are drawn in parallel)
 * cannot change a single draw: {@code --micro-batch} changes speed and memory, not the result.
 *
 * <p>Each draw is 32 bits of the generator; a unit is dropped when they are below {@code p * 2^32},
 * and a kept unit is scaled by {@code 1/(1-p)} (inverted dropout, as torch does).
 */
public record SeededDropout(long seed, long step, int[] examples) implements DropoutMasks {
  /** Positions per independently drawn block. */
  public static final int BLOCK = 64;

  @Override
  public NDArray mask(int layer, int site, float p, NDArray x) {
    long[] shape = x.getShape().getShape();
    if (shape.length != 3 || shape[0] != examples.length)
      throw new IllegalArgumentException("dropout of " + x.getShape() + " for " + examples.length + " examples");
    int t = (int) shape[1], h = (int) shape[2];
    int blocks = (t + BLOCK - 1) / BLOCK;
    float[] m = new float[examples.length * t * h];
    long threshold = (long) Math.floor(p * 4294967296.0);
    float keep = 1f / (1f - p);
    IntStream.range(0, examples.length * blocks).parallel().forEach(job -> {
      int b = job / blocks, k = job % blocks;
      SplittableRandom r = Hashing.rng(seed, "dropout/" + step + "/" + examples[b] + "/" + layer + "/" + site + "/" + k);
      int from = (b * t + k * BLOCK) * h, to = (b * t + Math.min(t, (k + 1) * BLOCK)) * h;
      int i = from;
      // branch-free: the sign bit of (u - threshold) says u < threshold (dropped)
      for (; i + 1 < to; i += 2) {
        long bits = r.nextLong();
        m[i] = keep * (1 - (((bits >>> 32) - threshold) >>> 63));
        m[i + 1] = keep * (1 - (((bits & 0xffffffffL) - threshold) >>> 63));
      }
      if (i < to) m[i] = keep * (1 - (((r.nextLong() >>> 32) - threshold) >>> 63));
    });
    NDArray mask = x.getManager().create(m, x.getShape());
    return mask.getDataType() == x.getDataType() ? mask : mask.toType(x.getDataType(), false);
  }
}
