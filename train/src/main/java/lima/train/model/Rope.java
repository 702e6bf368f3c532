package lima.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings in the Hugging Face layout: {@code x*cos + rotate_half(x)*sin}, with
 * rotate_half(x) = [-x2, x1] over the two halves of the head dimension, and {@code cos}/{@code sin}
 * repeated over both halves. Angles are computed in fp32 as transformers does (inv_freq = 1 /
 * theta^(2i/d)). Tables cover every position up to max_position_embeddings.
 */
final class Rope {
  private final NDArray cos; // [maxPos, D]
  private final NDArray sinSigned; // [maxPos, D]: -sin on the first half, +sin on the second
  private final int half;

  /** Tables computed in fp32 and stored in {@code dtype} (the activations' dtype), as transformers casts cos/sin to x's dtype. */
  Rope(NDManager manager, int headDim, int maxPos, double theta, DataType dtype) {
    half = headDim / 2;
    float[] c = new float[maxPos * headDim];
    float[] s = new float[maxPos * headDim];
    for (int i = 0; i < half; i++) {
      float invFreq = (float) (1.0 / Math.pow(theta, (float) (2 * i) / (float) headDim));
      for (int p = 0; p < maxPos; p++) {
        float ang = (float) p * invFreq;
        float cv = (float) Math.cos(ang), sv = (float) Math.sin(ang);
        c[p * headDim + i] = cv;
        c[p * headDim + half + i] = cv;
        s[p * headDim + i] = -sv;
        s[p * headDim + half + i] = sv;
      }
    }
    NDArray cf = manager.create(c, new Shape(maxPos, headDim));
    NDArray sf = manager.create(s, new Shape(maxPos, headDim));
    if (dtype == DataType.FLOAT32) {
      cos = cf;
      sinSigned = sf;
    } else {
      cos = cf.toType(dtype, false);
      sinSigned = sf.toType(dtype, false);
      cf.close();
      sf.close();
    }
  }

  /** Cos and signed-sin rows for positions [start, start+t). */
  NDArray[] tables(int start, int t) {
    NDIndex rows = new NDIndex("{}:{}", start, start + t);
    return new NDArray[] {cos.get(rows), sinSigned.get(rows)};
  }

  /** Applies the rotation to {@code x} ({@code [B, heads, T, D]}) with tables from {@link #tables}. */
  NDArray apply(NDArray x, NDArray[] t) {
    // rotate_half(x) * sin == [x2, x1] * [-sin, sin]
    NDArray x1 = x.get(new NDIndex("..., :{}", half));
    NDArray x2 = x.get(new NDIndex("..., {}:", half));
    NDArray swapped = x2.concat(x1, -1);
    return x.mul(t[0]).add(swapped.mul(t[1]));
  }
}
