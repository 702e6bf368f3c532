package lima.train.model;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Work items [0, n) handed to a team of threads: each thread owns one contiguous range and takes its items from
 * the front; a thread whose range is done takes items from the back of the others' ranges. So each thread
 * streams one contiguous run of weights (what hardware prefetchers follow best, as with OpenMP's static
 * schedule), and a slower core is helped at the end (as with a shared counter). Which thread computes an item
 * never changes the item's result.
 */
final class Ranges {
  /** Slots 8 longs (64 bytes) apart, so two threads' ranges do not share a cache line. */
  private static final int STRIDE = 8;
  private final int size;
  private final AtomicLongArray state;

  Ranges(int threads) {
    this.size = threads;
    this.state = new AtomicLongArray(threads * STRIDE);
  }

  /** Cuts [0, n) into one nearly equal range a thread (before the team starts on it). */
  void reset(int n) {
    for (int t = 0; t < size; t++) state.set(t * STRIDE, pack(Workers.cut(n, t, size), Workers.cut(n, t + 1, size)));
  }

  /** The next item for thread {@code t}: the front of its own range, else the back of another's; -1 when none is left. */
  int next(int t) {
    for (long s = state.get(t * STRIDE); lo(s) < hi(s); s = state.get(t * STRIDE)) {
      if (state.compareAndSet(t * STRIDE, s, pack(lo(s) + 1, hi(s)))) return lo(s);
    }
    for (int o = 1; o < size; o++) {
      int v = ((t + o) % size) * STRIDE;
      for (long s = state.get(v); lo(s) < hi(s); s = state.get(v)) {
        if (state.compareAndSet(v, s, pack(lo(s), hi(s) - 1))) return hi(s) - 1;
      }
    }
    return -1;
  }

  private static long pack(int lo, int hi) {
    return (long) lo << 32 | (hi & 0xffffffffL);
  }

  private static int lo(long s) {
    return (int) (s >>> 32);
  }

  private static int hi(long s) {
    return (int) s;
  }
}
