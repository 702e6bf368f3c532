package lima.train.generate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import lima.core.BadInputException;
import lima.core.Hashing;
import lima.core.Json;
import lima.core.UserException;

/**
 * Generates a response for every prompt of a file into a JSON Lines file, resumably: prompts whose id is
 * already in the output are skipped, each new record is appended with one write and flushed to disk, and
 * a partial last line left by a killed run is cut off before appending. The output is locked while a run
 * writes it. Each prompt samples with its own generator seeded from (seed, prompt id), so a record does not
 * depend on the order prompts run in, on resuming or on the batch size. Several prompts are answered at
 * once ({@code batch}); records still go to the file in prompt-file order.
 *
 * <p>Record fields (keys sorted): {@code completion_tokens}, {@code finish_reason}, {@code id}, {@code
 * prompt} (the last user turn), {@code prompt_tokens}, {@code response}, {@code seed} (the per-prompt seed),
 * and {@code turns} (the whole conversation given, when it had more than one turn).
 */
public final class PromptRun {
  private PromptRun() {}

  /** What a run did. */
  public record Result(int prompts, int skipped, int generated, long completionTokens, double seconds, Path out) {
    public double tokensPerSecond() {
      return seconds <= 0 ? 0 : completionTokens / seconds;
    }
  }

  public static Result run(Generator g, Path promptFile, Path out, GenerateOptions options) throws IOException {
    return run(g, promptFile, out, options, 1);
  }

  /**
   * The number of prompts answered at once when none is given: as many sequences as half the free heap
   * holds at full context (the key/value cache of one sequence is {@code layers * 2 * context * kvHeads *
   * headDim * 4} bytes), between 1 and 16; 1 when the decoder is the DJL model (it runs sequences one after
   * the other, so batching buys nothing there).
   */
  public static int defaultBatch(Generator g) {
    if (g.decoder() instanceof lima.train.model.DjlDecoder) return 1;
    var c = g.config();
    long perSeq = 2L * 4 * c.numHiddenLayers() * c.maxPositionEmbeddings() * (long) c.numKeyValueHeads() * c.headDim();
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    return (int) Math.max(1, Math.min(16, free / 2 / Math.max(1, perSeq)));
  }

  /**
   * Answers every prompt not yet in {@code out}, {@code batch} at a time in one decoding loop (continuous
   * batching; see {@link Generator#generateAll}). Records are written in prompt-file order whatever order
   * the answers finish in, and each answer is the one the prompt gets alone, so the file does not depend on
   * the batch size.
   */
  public static Result run(Generator g, Path promptFile, Path out, GenerateOptions options, int batch) throws IOException {
    if (batch < 1) throw new UserException("--batch must be at least 1, got " + batch);
    List<PromptFile.Prompt> prompts = PromptFile.read(promptFile);
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    long start = System.nanoTime();
    try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) throw new UserException(out + ": another run is writing this file");
      Set<String> done = recover(ch, out);
      ch.position(ch.size());
      int skipped = 0;
      List<Map<String, Object>> records = new ArrayList<>(); // in file order; null entries until answered
      List<Generator.Job> jobs = new ArrayList<>();
      List<Integer> jobRecord = new ArrayList<>();
      for (PromptFile.Prompt p : prompts) {
        if (done.contains(p.id())) {
          skipped++;
          continue;
        }
        long seed = Hashing.key(options.seed(), p.id());
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("id", p.id());
        rec.put("prompt", p.text());
        if (p.turns().size() > 1) rec.put("turns", p.turns());
        rec.put("seed", seed);
        int[] ids = options.raw() && p.turns().size() == 1 ? g.promptIds(p.text(), true) : g.chat().prompt(p.turns());
        if (p.turns().size() == 1 && p.text().isEmpty()) ids = g.promptIds("", options.raw());
        if (ids.length >= g.config().maxPositionEmbeddings()) {
          rec.put("response", "");
          rec.put("prompt_tokens", ids.length);
          rec.put("completion_tokens", 0);
          rec.put("finish_reason", "prompt_too_long");
          rec.put("done", true);
        } else {
          jobs.add(new Generator.Job(ids, options, new SplittableRandom(seed), TokenListener.NONE));
          jobRecord.add(records.size());
        }
        records.add(rec);
      }
      Meter meter = new Meter(prompts.size());
      int skippedFinal = skipped;
      long[] tokens = {0};
      int[] written = {0};
      IOException[] failed = {null};
      Runnable flush = () -> {
        try {
          while (written[0] < records.size() && records.get(written[0]).containsKey("done")) {
            Map<String, Object> rec = records.get(written[0]);
            rec.remove("done");
            byte[] line = (Json.MAPPER.writeValueAsString(rec) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) ch.write(b);
            ch.force(false);
            done.add((String) rec.get("id"));
            records.set(written[0], null);
            written[0]++;
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      try {
        flush.run();
        meter.update(skipped + written[0], 0);
        g.generateAll(jobs, batch, (gen, j) -> {
          Map<String, Object> rec = records.get(jobRecord.get(j));
          rec.put("response", gen.text());
          rec.put("prompt_tokens", gen.promptTokens());
          rec.put("completion_tokens", gen.completionTokens());
          rec.put("finish_reason", gen.finishReason().id());
          rec.put("done", true);
          tokens[0] += gen.completionTokens();
          flush.run();
          meter.update(skippedFinal + written[0], tokens[0]);
        });
      } catch (java.io.UncheckedIOException e) {
        failed[0] = e.getCause();
      }
      if (failed[0] != null) throw failed[0];
      meter.close();
      return new Result(prompts.size(), skipped, written[0], tokens[0], (System.nanoTime() - start) / 1e9, out);
    }
  }

  /**
   * Ids already answered in {@code out}. Records are written as whole lines, so only the text after the
   * last newline can be a record cut short by a kill: it is truncated away. A complete line that is not a
   * record is an error (this is not our file).
   */
  static Set<String> recover(FileChannel ch, Path out) throws IOException {
    Set<String> ids = new HashSet<>();
    long size = ch.size();
    if (size == 0) return ids;
    byte[] all = new byte[Math.toIntExact(size)];
    ByteBuffer b = ByteBuffer.wrap(all);
    long pos = 0;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) break;
      pos += n;
    }
    int lineStart = 0, lineNo = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] != '\n') continue;
      lineNo++;
      String text = new String(all, lineStart, i - lineStart, StandardCharsets.UTF_8);
      lineStart = i + 1;
      if (text.isBlank()) continue;
      JsonNode n;
      try {
        n = Json.MAPPER.readTree(text);
      } catch (IOException e) {
        n = null;
      }
      if (n == null || !n.isObject() || !n.path("id").isTextual())
        throw BadInputException.at(out, lineNo, "not a generation record (expected a JSON object with \"id\"); refusing to append to this file");
      ids.add(n.get("id").asText());
    }
    if (lineStart < size) ch.truncate(lineStart);
    return ids;
  }

  /** Progress: prompts done of all and tokens/s, on a terminal (or in logs with -Dlima.progress=log). */
  private static final class Meter {
    private final int total;
    private final boolean tty = Boolean.getBoolean("lima.tty");
    private final boolean log = "log".equals(System.getProperty("lima.progress"));
    private final long start = System.nanoTime();
    private long last;
    private int done;
    private long tokens;

    Meter(int total) {
      this.total = total;
    }

    void update(int doneNow, long tokensNow) {
      done = doneNow;
      tokens = tokensNow;
      if (!tty && !log) return;
      long now = System.nanoTime();
      if (now - last < (tty ? 500_000_000L : 30_000_000_000L)) return;
      last = now;
      print(false);
    }

    private void print(boolean end) {
      double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
      String s = String.format(Locale.ROOT, "generate: %,d / %,d prompts  %,d tokens  %.1f tokens/s", done, total, tokens, tokens / secs);
      lima.core.Reporter.get().progress(s, end);
    }

    void close() {
      if (tty || log) print(true);
    }
  }
}
