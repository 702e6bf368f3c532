package lima.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import lima.core.ExitCodes;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.judge.ChatClient;
import lima.eval.judge.JudgeCache;
import lima.eval.judge.JudgeException;
import lima.eval.judge.JudgeOptions;
import lima.eval.judge.JudgeRunner;

/** A judge session of one run: the cache ({@code OUT/cache.jsonl} unless given), the client, the counters. */
final class Judging implements AutoCloseable {
  final JudgeCache cache;
  final ChatClient client;
  final JudgeOptions options;
  private final RunDir run;

  Judging(RunDir run, JudgeOptions options, Path cacheFile, ChatClient.Sleeper sleeper) throws IOException {
    this.run = run;
    this.options = options;
    this.cache = new JudgeCache(cacheFile != null ? cacheFile : run.file(PairwiseEval.CACHE));
    this.client = sleeper == null ? new ChatClient(options, cache) : new ChatClient(options, cache, sleeper);
  }

  /**
   * Every answer, in request order. A failure no retry can fix (400, 401, connection refused) ends the
   * run with that cause in one line (exit 3); the answers received before it are in the cache.
   */
  List<JudgeRunner.Result> ask(List<ObjectNode> bodies, String label) throws IOException, InterruptedException {
    List<JudgeRunner.Result> r;
    try {
      r = JudgeRunner.run(client, bodies, options.concurrency(), label);
    } catch (JudgeException e) {
      throw new UserException(e.getMessage() + "; stopped after " + client.sent() + " of " + bodies.size() + " requests (answers received are cached)", ExitCodes.DATA);
    }
    run.stats().add("judge", "requests_sent", client.sent());
    run.stats().add("judge", "retries", client.retried());
    run.stats().add("judge", "cache_hits", client.cacheHits());
    if (cache.skippedLines() > 0) run.stats().add("judge", "cache_lines_skipped", cache.skippedLines());
    return r;
  }

  @Override
  public void close() throws IOException {
    try {
      client.close();
    } finally {
      cache.close();
    }
  }
}
