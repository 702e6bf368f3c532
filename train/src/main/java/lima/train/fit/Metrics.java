package lima.train.fit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.AtomicFiles;
import lima.core.Json;

/** The run's {@code metrics.jsonl} (one line per optimizer step) and {@code loss.png}. */
public final class Metrics {
  public static final String FILE = "metrics.jsonl";
  public static final String LOSS_PNG = "loss.png";

  /** One optimizer step's line in metrics.jsonl. */
  public record Metric(long step, double epoch, double loss, double lr, double gradNorm, double tokensPerS, long trainedTokens) {
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", step);
      m.put("epoch", epoch);
      m.put("loss", Double.isFinite(loss) ? loss : null); // null: the batch had no trained token
      m.put("trained_tokens", trainedTokens);
      m.put("lr", lr);
      m.put("grad_norm", gradNorm);
      m.put("tokens_per_s", tokensPerS);
      return m;
    }

    static Metric of(JsonNode n) {
      return new Metric(n.path("step").asLong(), n.path("epoch").asDouble(), n.path("loss").isNumber() ? n.path("loss").asDouble() : Double.NaN,
          n.path("lr").asDouble(), n.path("grad_norm").asDouble(), n.path("tokens_per_s").asDouble(), n.path("trained_tokens").asLong());
    }
  }

  private final Path out;
  private final List<Metric> lines = new ArrayList<>();

  /**
   * Opens the log of run folder {@code out}, keeping the lines up to {@code doneSteps} (a resumed run
   * drops what came after its checkpoint) and rewriting the file with them once.
   */
  public Metrics(Path out, long doneSteps) throws IOException {
    this.out = out;
    if (doneSteps > 0) for (Metric m : read(out.resolve(FILE))) if (m.step() <= doneSteps) lines.add(m);
    AtomicFiles.writeText(out.resolve(FILE), w -> {
      for (Metric m : lines) {
        w.write(Json.MAPPER.writeValueAsString(m.toJson()));
        w.write('\n');
      }
    });
  }

  /** Appends the line of a step. */
  public void add(Metric m) throws IOException {
    lines.add(m);
    Files.writeString(out.resolve(FILE), Json.MAPPER.writeValueAsString(m.toJson()) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  public List<Metric> all() {
    return List.copyOf(lines);
  }

  /** The loss of the last step that had trained tokens, or NaN. */
  public double lastLoss() {
    for (int i = lines.size() - 1; i >= 0; i--) if (Double.isFinite(lines.get(i).loss())) return lines.get(i).loss();
    return Double.NaN;
  }

  /** Redraws loss.png. */
  public void chart() throws IOException {
    LossChart.write(out.resolve(LOSS_PNG), lines);
  }

  /** The lines of a metrics.jsonl (a line cut short by a kill is skipped). */
  public static List<Metric> read(Path f) throws IOException {
    List<Metric> out = new ArrayList<>();
    if (!Files.isRegularFile(f)) return out;
    for (String line : Files.readAllLines(f)) {
      if (line.isBlank()) continue;
      try {
        out.add(Metric.of(Json.MAPPER.readTree(line)));
      } catch (IOException e) {
        // a line cut short by a kill: the checkpoint's step decides what is kept anyway
      }
    }
    return out;
  }
}
