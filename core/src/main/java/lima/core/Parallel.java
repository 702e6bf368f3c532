package lima.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * The parallel map every stage shares: applies a function to items on {@code threads} workers and gives
 * the results in input order (so nothing downstream depends on the thread count), and unwraps a worker's
 * failure into the exception it threw.
 */
public final class Parallel {
  private Parallel() {}

  /** A function that may fail with an I/O error. */
  @FunctionalInterface
  public interface Fn<T, R> {
    R apply(T t) throws IOException;
  }

  /** {@code fn} over {@code items} on {@code threads} workers; results in input order. */
  public static <T, R> List<R> map(int threads, List<T> items, Fn<? super T, ? extends R> fn) throws IOException {
    if (threads <= 1 || items.size() <= 1) {
      List<R> out = new ArrayList<>(items.size());
      for (T t : items) out.add(fn.apply(t));
      return out;
    }
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      return get(
          pool.submit(
              () ->
                  items.parallelStream()
                      .<R>map(
                          t -> {
                            try {
                              return fn.apply(t);
                            } catch (IOException e) {
                              throw new UncheckedIOException(e);
                            }
                          })
                      .toList()));
    } finally {
      pool.shutdown();
    }
  }

  /** Waits for {@code f} and rethrows what its task threw: an IOException, a RuntimeException or an Error as is. */
  public static <R> R get(Future<R> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      for (Throwable c = t; c != null; c = c.getCause()) if (c instanceof UncheckedIOException u) throw u.getCause();
      if (t instanceof IOException io) throw io;
      if (t instanceof RuntimeException re) throw re;
      if (t instanceof Error err) throw err;
      throw new IllegalStateException(t);
    }
  }
}
