package lima.eval.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import lima.core.AtomicFiles;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Hashing;
import lima.core.JsonlWriter;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.Bootstrap;
import lima.eval.Bootstrap.Interval;

/**
 * {@code lima eval perplexity}: perplexity over the assistant tokens of a dev set for each checkpoint
 * (the LIMA paper's appendix B, Figure 9), as {@code perplexity.json}, {@code per-example.jsonl}, a
 * chart and a report. The computation itself needs the model, so it is given as a {@link Scorer} (the
 * CLI passes the train module's); this class owns the data, statistics and outputs.
 *
 * <p>A checkpoint's perplexity is {@code exp(sum of NLL / sum of scored tokens)} over the whole set;
 * its 95% interval is a seeded percentile bootstrap over dev conversations (resample conversations,
 * recompute the ratio). With {@code quality} (a {@code selected.json} of {@code lima eval select}), the
 * judged quality of the same epochs is drawn on a second axis, as in Figure 9.
 */
public final class PerplexityEval {
  private PerplexityEval() {}

  public static final String JSON = "perplexity.json";
  public static final String EXAMPLES = "per-example.jsonl";
  public static final String CHART = "perplexity";
  public static final String MD = "report.md";

  /** Computes the scores of one model folder over the dev conversations (user first, alternating). */
  @FunctionalInterface
  public interface Scorer {
    List<ExampleScore> score(Path modelDir, List<Example> conversations) throws IOException;
  }

  /** The summed negative log-likelihood (nats) of a conversation's scored (assistant) tokens. */
  public record ExampleScore(String id, int tokens, double nll) {}

  /** One checkpoint's result. */
  public record Row(String model, String path, Integer epoch, int examples, long tokens, double nll, double meanNll, Interval perplexity) {}

  /** Judged quality of an epoch, read from a selection. */
  public record QualityPoint(int epoch, Interval score) {}

  /** Everything in {@code perplexity.json}. */
  public record Result(String kind, String data, int conversations, List<Row> rows, String qualityCriterion, String qualityJudge, List<QualityPoint> quality, Map<String, Object> notes) {}

  public static Result run(List<Checkpoints.Checkpoint> models, Path data, Scorer scorer, Path quality, int bootstrap, RunDir.Options o) throws IOException {
    if (models.isEmpty()) throw new UserException("give at least one --model DIR");
    CheckpointSelection.Selection sel = quality == null ? null : CheckpointSelection.read(quality);
    List<Example> dev = new ArrayList<>();
    try (RunDir run = RunDir.open(o)) {
      run.input(data);
      if (quality != null) run.input(Files.isDirectory(quality) ? quality.resolve(CheckpointSelection.SELECTED_JSON) : quality);
      for (Example e : ExampleReader.readAll(data)) {
        if (e.conversations().size() < 2) {
          run.reject(e.id(), lima.core.Stage.INPUT, "no_response", Map.of("turns", e.conversations().size()));
          continue;
        }
        dev.add(e);
      }
      if (dev.isEmpty()) throw new UserException(data + ": no conversation with an assistant turn (a perplexity dev set needs responses, not prompts alone)");
      run.config("models", models.stream().map(c -> c.name() + "=" + c.dir()).toList()).config("bootstrap", bootstrap);
      run.stats().add("perplexity", "conversations", dev.size());
      List<Row> rows = new ArrayList<>();
      try (JsonlWriter w = run.jsonl(EXAMPLES)) {
        for (Checkpoints.Checkpoint c : models) {
          List<ExampleScore> s = scorer.score(c.dir(), dev);
          if (s.size() != dev.size()) throw new IllegalStateException("scorer returned " + s.size() + " scores for " + dev.size() + " conversations");
          for (ExampleScore e : s) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", c.name());
            m.put("id", e.id());
            m.put("tokens", e.tokens());
            m.put("nll", e.nll());
            m.put("perplexity", e.tokens() == 0 ? null : Math.exp(e.nll() / e.tokens()));
            w.write(m);
          }
          rows.add(row(c, s, new Bootstrap(Hashing.key(run.seed(), "bootstrap"), bootstrap)));
          run.stats().add("perplexity", "models", 1);
        }
        w.commit();
      }
      Map<String, Object> notes = new LinkedHashMap<>();
      notes.put("scored_tokens", "every assistant token and the end-of-turn token after it, as trained (docs/chat-format.md)");
      notes.put("perplexity", "exp(sum NLL / sum scored tokens) over the dev set; 95% percentile bootstrap over conversations");
      Result r = new Result("perplexity", data.toString(), dev.size(), rows,
          sel == null ? null : sel.criterion(), sel == null ? null : sel.judge(),
          sel == null ? List.of() : sel.candidates().stream().map(k -> new QualityPoint(k.epoch(), k.score())).toList(), notes);
      run.writeJson(JSON, r);
      List<String> outputs = new ArrayList<>(List.of(JSON, EXAMPLES));
      outputs.addAll(ExperimentCharts.save(ExperimentCharts.perplexity("dev-set perplexity" + (sel == null ? "" : " and judged quality") + " per checkpoint", r), run.out(), CHART));
      AtomicFiles.writeString(run.file(MD), markdown(r));
      outputs.add(MD);
      run.finish("eval perplexity", outputs, null);
      return r;
    }
  }

  static Row row(Checkpoints.Checkpoint c, List<ExampleScore> s, Bootstrap boot) {
    long tokens = 0;
    double nll = 0;
    for (ExampleScore e : s) {
      tokens += e.tokens();
      nll += e.nll();
    }
    if (tokens == 0) throw new UserException("no assistant token to score in the dev set for " + c.dir());
    double ppl = Math.exp(nll / tokens);
    Interval ci = ratioInterval(s, boot, ppl);
    return new Row(c.name(), c.dir().toString(), c.epoch(), s.size(), tokens, nll, nll / tokens, ci);
  }

  /** Percentile bootstrap of exp(sum nll / sum tokens) over conversations (same resampling rule as {@link Bootstrap}). */
  static Interval ratioInterval(List<ExampleScore> s, Bootstrap boot, double estimate) {
    int n = s.size();
    SplittableRandom rng = new SplittableRandom(boot.seed());
    double[] reps = new double[boot.replicates()];
    int k = 0;
    for (int b = 0; b < boot.replicates(); b++) {
      long t = 0;
      double l = 0;
      for (int i = 0; i < n; i++) {
        ExampleScore e = s.get(rng.nextInt(n));
        t += e.tokens();
        l += e.nll();
      }
      if (t > 0) reps[k++] = Math.exp(l / t);
    }
    if (k == 0) return new Interval(estimate, Double.NaN, Double.NaN);
    double[] v = java.util.Arrays.copyOf(reps, k);
    java.util.Arrays.sort(v);
    double a = (1 - boot.level()) / 2;
    return new Interval(estimate, v[rank(a, k) - 1], v[rank(1 - a, k) - 1]);
  }

  private static int rank(double q, int b) {
    return Math.max(1, Math.min(b, (int) Math.ceil(q * b - 1e-9)));
  }

  static String markdown(Result r) {
    StringBuilder sb = new StringBuilder("# Dev-set perplexity per checkpoint\n\n");
    sb.append("Data: `").append(r.data()).append("` (").append(r.conversations()).append(" conversations). Scored: assistant tokens and their end-of-turn token. ")
        .append("Intervals: 95% percentile bootstrap over conversations.\n\n![perplexity](").append(CHART).append(".png)\n\n");
    sb.append("| model | epoch | conversations | tokens | mean NLL (nats) | perplexity [95% CI] |\n|---|---:|---:|---:|---:|---|\n");
    for (Row w : r.rows())
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.4f | %.3f [%.3f, %.3f] |%n", w.model(), w.epoch() == null ? "" : w.epoch(), w.examples(), w.tokens(), w.meanNll(), w.perplexity().estimate(), w.perplexity().lo(), w.perplexity().hi()));
    if (!r.quality().isEmpty()) {
      sb.append("\nJudged quality (").append(r.qualityCriterion()).append(", judge ").append(r.qualityJudge()).append("):\n\n| epoch | score [95% CI] |\n|---:|---|\n");
      for (QualityPoint q : r.quality()) sb.append(String.format(Locale.ROOT, "| %d | %.3f [%.3f, %.3f] |%n", q.epoch(), q.score().estimate(), q.score().lo(), q.score().hi()));
    }
    return sb.toString();
  }
}
