package lima.curate.export;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.JsonlWriter;
import lima.core.Reporter;
import lima.core.UserException;

/**
 * {@code lima export}: our and the released LIMA JSON Lines to the layouts other trainers read ({@link
 * ExportFormat}). The output file is written atomically (complete or absent); examples keep their
 * input order, so the same input gives the same bytes.
 *
 * <p>Skipped, with a count per reason: {@code no_response} (a prompt-only example, e.g. a test file,
 * unless {@code keepUnanswered}), {@code multi_turn} (Alpaca with {@link ExportFormat.MultiTurn#SKIP}).
 * Malformed input lines print one warning each (the first 20) and are counted; more than {@code
 * maxErrors} of them stop the export.
 */
public final class Exporter {
  private Exporter() {}

  /**
   * Export settings.
   *
   * @param format the target layout
   * @param multiTurn how Alpaca receives conversations with several exchanges
   * @param system a system message put first (openai, sharegpt), or null
   * @param keepUnanswered write examples whose last turn is the user's (prompt files) instead of skipping them
   * @param maxErrors malformed input lines tolerated; -1 = no limit
   */
  public record Config(ExportFormat format, ExportFormat.MultiTurn multiTurn, String system, boolean keepUnanswered, long maxErrors) {
    public Config {
      if (format == null) throw new UserException("--format is required (openai, sharegpt or alpaca)");
      if (multiTurn == null) multiTurn = ExportFormat.MultiTurn.FOLD;
      if (system != null && format == ExportFormat.ALPACA)
        throw new UserException("--system: the alpaca format has no system message (use openai or sharegpt)");
      if (maxErrors < -1) throw new UserException("--max-errors must be -1 (no limit) or >= 0, got " + maxErrors);
    }
  }

  /** What an export did. */
  public record Result(long read, long written, long noResponse, long multiTurnSkipped, long badLines, Path out) {}

  /**
   * Exports {@code inputs} in order to {@code out} (atomically; refused when it exists unless {@code
   * force}), or to {@code stdout} when {@code out} is null.
   */
  public static Result export(Config c, List<Path> inputs, Path out, boolean force, PrintWriter stdout) throws IOException {
    for (Path in : inputs) if (!Files.isRegularFile(in)) throw new UserException(in + ": no such file");
    if (out != null) {
      if (Files.isDirectory(out)) throw new UserException(out + ": --out is a folder; give a file name");
      if (Files.exists(out) && !force) throw new UserException(out + ": exists; use --force to overwrite it");
      for (Path in : inputs)
        if (Files.exists(out) && Files.isSameFile(in, out)) throw new UserException(out + ": --out is also an input");
    }
    Counter n = new Counter();
    JsonlWriter w = out == null ? null : new JsonlWriter(out);
    try {
      for (Path in : inputs) {
        try (ExampleReader r = new ExampleReader(in, (file, line, reason, text) -> bad(c, n, reason))) {
          for (Example e : r) {
            n.read++;
            Object line = convert(c, e, n);
            if (line == null) continue;
            if (w != null) w.write(line);
            else stdout.println(Json.MAPPER.writeValueAsString(line));
            n.written++;
          }
        }
      }
      if (w != null) w.commit();
      else stdout.flush();
    } finally {
      if (w != null) w.close();
    }
    return new Result(n.read, n.written, n.noResponse, n.multiTurn, n.bad, out);
  }

  private static final class Counter {
    long read;
    long written;
    long noResponse;
    long multiTurn;
    long bad;
  }

  private static void bad(Config c, Counter n, String reason) {
    n.bad++;
    if (n.bad <= 20) Reporter.get().warn(reason);
    if (c.maxErrors() >= 0 && n.bad > c.maxErrors())
      throw new BadInputException(reason + " (more than --max-errors " + c.maxErrors() + " bad lines; stopping)");
  }

  /** One example in the target layout, or null when it is skipped (counted in {@code n}). */
  private static Object convert(Config c, Example e, Counter n) {
    List<String> turns = e.conversations();
    if (turns.size() % 2 != 0 && !c.keepUnanswered()) {
      n.noResponse++;
      return null;
    }
    return switch (c.format()) {
      case OPENAI -> ExportFormat.openai(turns, c.system());
      case SHAREGPT -> ExportFormat.sharegpt(e.id(), turns, c.system());
      case ALPACA -> {
        ExportFormat.AlpacaLine a = ExportFormat.alpaca(turns, c.multiTurn());
        if (a == null) n.multiTurn++;
        yield a;
      }
    };
  }
}
