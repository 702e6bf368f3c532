package lima.train.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import lima.train.generate.FinishReason;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generation;
import lima.train.generate.TokenListener;

/**
 * A backend for HTTP tests: characters are tokens (id = char code, BOS 1, EOS 0, EOT 3). It
 * "generates" a fixed script one character per token, then EOS, honouring max tokens, stop strings
 * (generated through the end of the stop string, text cut before it) and cancellation like the real
 * Generator. With {@link #gate} set,
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
  public Generation generate(int[] prompt, GenerateOptions options, TokenListener listener) {
    if (closed.get()) throw new IllegalStateException("backend closed");
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    started.countDown();
    try {
      CountDownLatch g = gate;
      if (g != null) g.await(30, TimeUnit.SECONDS);
      int cut = script.length();
      int stopLen = 0;
      for (String s : options.stop()) {
        int at = script.indexOf(s);
        if (at >= 0 && at < cut) {
          cut = at;
          stopLen = s.length();
        }
      }
      List<Integer> ids = new ArrayList<>();
      StringBuilder text = new StringBuilder();
      FinishReason finish = null;
      for (int i = 0; finish == null; i++) {
        if (i == options.maxNewTokens()) {
          finish = FinishReason.LENGTH;
          break;
        }
        if (tokenDelayMs > 0) Thread.sleep(tokenDelayMs);
        if (i == script.length()) {
          ids.add(0);
          finish = FinishReason.EOS;
          listener.onToken(0, "");
          break;
        }
        ids.add((int) script.charAt(i));
        String delta = i < cut ? String.valueOf(script.charAt(i)) : "";
        text.append(delta);
        if (stopLen > 0 && i == cut + stopLen - 1) finish = FinishReason.STOP_STRING;
        if (!listener.onToken(script.charAt(i), delta) && finish == null) finish = FinishReason.CANCELLED;
      }
      return new Generation(text.toString(), prompt, ids.stream().mapToInt(Integer::intValue).toArray(), finish, 1);
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
