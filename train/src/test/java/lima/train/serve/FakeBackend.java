package lima.train.serve;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend for HTTP tests: characters are tokens (id = char code, BOS 1, stop token 0, EOT 3). It
 * "generates" a fixed script one character per token, then the stop token. With {@link #gate} set,
 * each generation waits for the gate before its first token, so tests can hold slots busy.
 */
final class FakeBackend implements CompletionBackend {
  final String script;
  final int context;
  final AtomicBoolean closed = new AtomicBoolean();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  volatile CountDownLatch started = new CountDownLatch(1);
  volatile CountDownLatch gate;
  volatile long tokenDelayMs;

  FakeBackend(String script, int context) {
    this.script = script;
    this.context = context;
  }

  @Override
  public String modelId() {
    return "fake";
  }

  @Override
  public int contextLength() {
    return context;
  }

  @Override
  public int[] completionPrompt(String text) {
    int[] ids = new int[text.length() + 1];
    ids[0] = 1;
    for (int i = 0; i < text.length(); i++) ids[i + 1] = text.charAt(i);
    return ids;
  }

  @Override
  public int[] chatPrompt(List<String> turns) {
    StringBuilder sb = new StringBuilder();
    for (String t : turns) sb.append(t).append('\u0003');
    return completionPrompt(sb.toString());
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    for (int id : ids) if (id > 3) sb.append((char) id);
    return sb.toString();
  }

  @Override
  public Outcome generate(int[] prompt, Sampling sampling, int maxNewTokens, TokenSink sink) {
    if (closed.get()) throw new IllegalStateException("backend closed");
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    started.countDown();
    try {
      CountDownLatch g = gate;
      if (g != null) g.await(30, TimeUnit.SECONDS);
      for (int i = 0; i < maxNewTokens; i++) {
        if (i == script.length()) return new Outcome(i + 1, End.STOP_TOKEN);
        if (tokenDelayMs > 0) Thread.sleep(tokenDelayMs);
        if (!sink.accept(script.charAt(i))) return new Outcome(i + 1, End.SINK);
      }
      return new Outcome(maxNewTokens, End.LENGTH);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      running.decrementAndGet();
    }
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
