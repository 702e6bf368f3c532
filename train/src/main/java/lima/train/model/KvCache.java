package lima.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the positions already seen, per layer, for incremental decoding: {@code [batch,
 * kvHeads, capacity, headDim]} arrays in the model's dtype (fp32 or fp16) written in place and grown by doubling, so appending a token
 * costs no copy of the past. One cache serves one sequence (batch) at a time; not thread-safe.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final int layers;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;
  private int capacity;

  KvCache(NDManager parent, int layers) {
    this.manager = parent.newSubManager();
    this.layers = layers;
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /** Positions stored (the position the next token gets). */
  public int length() {
    return length;
  }

  /** Forgets every position (the arrays are kept for reuse). */
  public void clear() {
    length = 0;
  }

  /**
   * Writes {@code k}/{@code v} ({@code [B, kvHeads, T, D]}) of one layer at positions [length, length+T)
   * and returns views of all positions so far, [0, length+T).
   */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    Shape s = k.getShape();
    int t = (int) s.get(2);
    int need = length + t;
    if (keys[layer] == null || need > capacity(layer)) grow(layer, k, need);
    NDIndex at = new NDIndex(":, :, {}:{}", length, need);
    keys[layer].set(at, k);
    values[layer].set(at, v);
    NDIndex upto = new NDIndex(":, :, :{}", need);
    return new NDArray[] {keys[layer].get(upto), values[layer].get(upto)};
  }

  private int capacity(int layer) {
    return (int) keys[layer].getShape().get(2);
  }

  private void grow(int layer, NDArray k, int need) {
    Shape s = k.getShape();
    int cap = Math.max(64, capacity);
    while (cap < need) cap *= 2;
    capacity = Math.max(capacity, cap);
    Shape shape = new Shape(s.get(0), s.get(1), cap, s.get(3));
    DataType dt = k.getDataType();
    NDArray nk = manager.zeros(shape, dt);
    NDArray nv = manager.zeros(shape, dt);
    NDScope.unregister(nk, nv);
    if (keys[layer] != null && length > 0) {
      NDIndex old = new NDIndex(":, :, :{}", length);
      nk.set(old, keys[layer].get(old));
      nv.set(old, values[layer].get(old));
    }
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = nk;
    values[layer] = nv;
  }

  /** Called by the model after every layer has appended {@code t} positions. */
  void advance(int t) {
    length += t;
  }

  public int layers() {
    return layers;
  }

  @Override
  public void close() {
    manager.close();
  }
}
