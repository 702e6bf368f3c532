package lima.train.generate;

import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * One decoding loop shared by concurrent callers (the server): {@link #generate} may be called from many
 * threads at once; the requests join the loop's batch between two steps and leave it when they finish, at
 * most {@code maxBatch} at a time (the others wait their turn in arrival order). Each request keeps its own
 * sampler, random generator and stop conditions, and the decoder's arithmetic does not depend on what shares
 * a step, so an answer is the one {@link Generator#generate(int[], GenerateOptions, RandomGenerator,
 * TokenListener)} gives alone.
 *
 * <p>Streaming: the loop never calls a caller's listener itself (a slow client must not stall the others):
 * it queues each token's text delta, and the calling thread, waiting in {@link #generate}, hands them to
 * its listener. A request whose caller is {@value #BACKLOG} tokens behind sits out the steps until it
 * catches up (the others go on), so a slow client holds no more than that. When the listener returns false
 * the request is cancelled at its next step; tokens the loop produced meanwhile (at most {@value #BACKLOG})
 * are in the result ({@code finishReason} {@code cancelled}) but were not streamed.
 */
public final class BatchingGenerator implements AutoCloseable {
  private final Generator g;
  private final int maxBatch;
  private final BlockingQueue<Request> incoming = new LinkedBlockingQueue<>();
  private final Thread loop;
  private volatile boolean closed;

  private static final Object DONE = new Object();

  /** A request whose caller has this many tokens not yet taken sits out the steps until it catches up. */
  static final int BACKLOG = 16;

  private static final class Request {
    final Generator.Decoding decoding;
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final AtomicBoolean cancelled = new AtomicBoolean();
    final java.util.concurrent.atomic.AtomicInteger backlog = new java.util.concurrent.atomic.AtomicInteger();
    volatile Generation result;
    volatile RuntimeException failure;

    Request(Generator g, int[] promptIds, GenerateOptions options, RandomGenerator rng) {
      decoding = new Generator.Decoding(g, promptIds, options, rng, (id, delta) -> {
        backlog.incrementAndGet();
        events.add(new Token(id, delta));
        return !cancelled.get();
      });
    }
  }

  private record Token(int id, String delta) {}

  public BatchingGenerator(Generator g, int maxBatch) {
    if (maxBatch < 1) throw new IllegalArgumentException("batch must be at least 1: " + maxBatch);
    this.g = g;
    this.maxBatch = maxBatch;
    loop = new Thread(this::run, "lima-batch");
    loop.setDaemon(true);
    loop.start();
  }

  public Generator generator() {
    return g;
  }

  /**
   * Generates after {@code promptIds}, streaming through {@code listener} on the calling thread; blocks
   * until done.
   *
   * @throws lima.core.UserException when the prompt does not fit the context
   */
  public Generation generate(int[] promptIds, GenerateOptions options, RandomGenerator rng, TokenListener listener) {
    if (closed) throw new IllegalStateException("the generator is closed");
    Request r = new Request(g, promptIds, options, rng);
    incoming.add(r);
    boolean listening = true;
    try {
      while (true) {
        Object e = r.events.take();
        if (e == DONE) break;
        Token t = (Token) e;
        r.backlog.decrementAndGet();
        if (listening && !listener.onToken(t.id(), t.delta())) {
          listening = false;
          r.cancelled.set(true);
        }
      }
    } catch (InterruptedException e) {
      r.cancelled.set(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating", e);
    }
    if (r.failure != null) throw r.failure;
    return r.result;
  }

  private void run() {
    Generator.BatchLoop batch = new Generator.BatchLoop(g.decoder(), maxBatch);
    ArrayDeque<Request> active = new ArrayDeque<>();
    java.util.Map<Generator.Decoding, Request> byDecoding = new java.util.IdentityHashMap<>();
    try {
      while (!closed) {
        // Between steps: let waiting requests join (block only when nothing runs).
        if (batch.isEmpty()) {
          Request r = incoming.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
          if (r == null) continue;
          join(batch, r, byDecoding, active);
        }
        while (batch.hasRoom()) {
          Request r = incoming.poll();
          if (r == null) break;
          join(batch, r, byDecoding, active);
        }
        if (batch.isEmpty()) continue;
        try {
          boolean stepped = batch.step(d -> byDecoding.get(d).backlog.get() < BACKLOG, (d, index) -> {
            Request r = byDecoding.remove(d);
            active.remove(r);
            r.result = d.result();
            r.events.add(DONE);
          });
          if (!stepped) Thread.sleep(1); // every caller is behind: let them catch up
        } catch (RuntimeException e) {
          // A failed step fails every request in it; the loop goes on with new ones.
          for (Request r : active) {
            r.failure = e;
            r.events.add(DONE);
          }
          active.clear();
          byDecoding.clear();
          batch.close();
          batch = new Generator.BatchLoop(g.decoder(), maxBatch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      batch.close();
      IllegalStateException stop = new IllegalStateException("the generator was closed");
      for (Request r : active) {
        r.failure = stop;
        r.events.add(DONE);
      }
      for (Request r; (r = incoming.poll()) != null; ) {
        r.failure = stop;
        r.events.add(DONE);
      }
    }
  }

  private static void join(Generator.BatchLoop batch, Request r, java.util.Map<Generator.Decoding, Request> byDecoding, ArrayDeque<Request> active) {
    if (r.decoding.finished()) { // max_tokens 0
      r.result = r.decoding.result();
      r.events.add(DONE);
      return;
    }
    byDecoding.put(r.decoding, r);
    active.add(r);
    batch.add(r.decoding, 0);
  }

  /** Stops the loop; requests still running fail. Does not close the {@link Generator}. */
  @Override
  public void close() {
    closed = true;
    loop.interrupt();
    try {
      loop.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
