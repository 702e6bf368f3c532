package lima.train.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads for data-parallel loops: {@link #run} calls {@code part.accept(i)} for every i in
 * [0, size) at once, part 0 on the calling thread, and returns when all are done. Workers spin briefly
 * between calls (a decoding step issues about a hundred such calls, microseconds apart) and then park, so
 * an idle team costs nothing. With size 1 it is a plain call. Not reentrant; one caller at a time.
 */
final class Workers implements AutoCloseable {
  private static final long SPIN_NANOS = 200_000;
  private final int size;
  private final Thread[] threads;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile IntConsumer task;
  private volatile long generation;
  private volatile boolean closed;
  private volatile Throwable failure;

  Workers(int size) {
    if (size < 1) throw new IllegalArgumentException("threads must be at least 1: " + size);
    this.size = size;
    this.threads = new Thread[size - 1];
    for (int i = 1; i < size; i++) {
      int part = i;
      Thread t = new Thread(() -> loop(part), "lima-decode-" + i);
      t.setDaemon(true);
      threads[i - 1] = t;
      t.start();
    }
  }

  int size() {
    return size;
  }

  /** Runs {@code part} for 0..size-1 in parallel and waits for all. */
  void run(IntConsumer part) {
    if (size == 1) {
      part.accept(0);
      return;
    }
    failure = null;
    task = part;
    pending.set(size - 1);
    generation = generation + 1;
    for (Thread t : threads) LockSupport.unpark(t);
    Throwable own = null;
    try {
      part.accept(0);
    } catch (Throwable e) {
      own = e;
    }
    long spinUntil = System.nanoTime() + SPIN_NANOS;
    while (pending.get() > 0) {
      if (System.nanoTime() < spinUntil) Thread.onSpinWait();
      else Thread.yield();
    }
    task = null;
    Throwable f = own != null ? own : failure;
    if (f instanceof RuntimeException r) throw r;
    if (f instanceof Error e) throw e;
    if (f != null) throw new IllegalStateException(f);
  }

  private void loop(int part) {
    long seen = 0;
    while (!closed) {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (generation == seen && !closed) {
        if (System.nanoTime() < spinUntil) Thread.onSpinWait();
        else LockSupport.park(this);
      }
      if (closed) return;
      seen = generation;
      try {
        task.accept(part);
      } catch (Throwable e) {
        failure = e;
      } finally {
        pending.decrementAndGet();
      }
    }
  }

  /** First index of part {@code p} when [0, n) is cut into {@link #size} nearly equal parts. */
  int from(int p, int n) {
    return cut(n, p, size);
  }

  /** First index of part {@code p} when [0, n) is cut into {@code parts} nearly equal parts. */
  static int cut(int n, int p, int parts) {
    return (int) ((long) n * p / parts);
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : threads) LockSupport.unpark(t);
  }
}
