package lima.eval.judge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import lima.core.Progress;

/**
 * Sends many judge requests with bounded concurrency; results come back in request order. A request
 * that failed after its retries is a result with an error; one that failed in a way no retry can fix
 * ({@link JudgeException#retryable} false) stops the run: no further request is sent, those in flight
 * are cancelled, and {@link #run} throws that exception.
 */
public final class JudgeRunner {
  private JudgeRunner() {}

  /** The answer to one request, or why there is none. */
  public record Result(ChatClient.Answer answer, String error) {
    public boolean ok() {
      return answer != null;
    }
  }

  public static List<Result> run(ChatClient client, List<ObjectNode> bodies, int concurrency, String label)
      throws IOException, InterruptedException, JudgeException {
    java.util.concurrent.atomic.AtomicReference<JudgeException> fatal = new java.util.concurrent.atomic.AtomicReference<>();
    List<Result> out = new ArrayList<>(bodies.size());
    AtomicLong done = new AtomicLong();
    // Identical requests (two equal responses shown in both orders, say) are sent once, so what is
    // sent and counted does not depend on which of them would have reached the cache first.
    java.util.Map<String, Integer> firstOf = new java.util.HashMap<>();
    int[] source = new int[bodies.size()];
    List<ObjectNode> unique = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      Integer f = firstOf.putIfAbsent(JudgeCache.key(bodies.get(i)), unique.size());
      if (f == null) {
        source[i] = unique.size();
        unique.add(bodies.get(i));
      } else {
        source[i] = f;
      }
    }
    List<Result> uniqueResults = new ArrayList<>(unique.size());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, concurrency));
    try (Progress progress = Progress.count(label, "requests", unique.size())) {
      List<Future<Result>> futures = new ArrayList<>();
      for (ObjectNode b : unique) {
        futures.add(
            pool.submit(
                () -> {
                  if (fatal.get() != null) return new Result(null, "not sent: the run stopped");
                  try {
                    return new Result(client.complete(b), null);
                  } catch (JudgeException e) {
                    if (!e.retryable()) {
                      fatal.compareAndSet(null, e);
                      synchronized (fatal) {
                        fatal.notifyAll();
                      }
                    }
                    return new Result(null, e.getMessage());
                  } finally {
                    long d = done.incrementAndGet();
                    progress.update(d, d);
                  }
                }));
      }
      for (Future<Result> f : futures) {
        try {
          // Wake up as soon as any request fails for good, not only when this one is done.
          while (!f.isDone() && fatal.get() == null) {
            synchronized (fatal) {
              if (!f.isDone() && fatal.get() == null) fatal.wait(50);
            }
          }
          if (fatal.get() != null) {
            pool.shutdownNow();
            throw fatal.get();
          }
          uniqueResults.add(f.get());
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof IOException io) throw io;
          if (c instanceof UncheckedIOException u) throw u.getCause();
          if (c instanceof InterruptedException ie) throw ie;
          if (c instanceof RuntimeException r) throw r;
          throw new IllegalStateException(c);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < bodies.size(); i++) out.add(uniqueResults.get(source[i]));
    return out;
  }
}
