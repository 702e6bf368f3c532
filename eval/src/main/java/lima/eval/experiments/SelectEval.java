package lima.eval.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import lima.core.AtomicFiles;
import lima.core.Hashing;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.Bootstrap;
import lima.eval.Labels;
import lima.eval.LikertEval;
import lima.eval.PairwiseEval;
import lima.eval.Report;
import lima.eval.Responses;
import lima.eval.Threshold;
import lima.eval.judge.JudgeOptions;

/**
 * {@code lima eval select}: the paper's checkpoint selection. For every epoch checkpoint {@code
 * RUN/epoch-K} in the range, answer the dev prompts (the paper's sampling, through an {@link Answerer}
 * the CLI gives: generation needs the train module), have a judge rate the answers, and pick the best
 * by {@link CheckpointSelection#best} (ties go to the earlier epoch). Writes {@code RUN/selected.json}
 * and the {@code RUN/selected} link, and in {@code --out} (default {@code RUN/select}) the generations,
 * the judge runs, {@code selection.json}, a table and a chart.
 *
 * <p>Criteria: {@code likert} (1-6 helpfulness, {@code samples} judge samples per answer; score = mean
 * over prompts) or {@code pairwise} against a reference answer file (score = share of prompts won plus
 * half the ties, both orders asked, disagreement = tie as in {@code lima eval pairwise}).
 */
public final class SelectEval {
  private SelectEval() {}

  public static final String SELECTION = "selection.json";
  public static final String CHART = "selection";
  public static final String MD = "report.md";

  /** Answers every prompt of {@code prompts} with the checkpoint into {@code out} (JSON Lines id + response; resumable). */
  @FunctionalInterface
  public interface Answerer {
    void answer(Path checkpoint, Path prompts, Path out) throws IOException;
  }

  public record Config(Path run, Path prompts, int fromEpoch, int toEpoch, Path reference, JudgeOptions judge, Path cache, Threshold maxUnparseable, int samples, double temperature, int bootstrap) {
    public Config {
      if (fromEpoch < 1 || toEpoch < fromEpoch) throw new UserException("--epochs must be FROM-TO with 1 <= FROM <= TO, got " + fromEpoch + "-" + toEpoch);
    }

    public String criterion() {
      return reference == null ? "likert" : "pairwise";
    }
  }

  /** Parses {@code 5-10} or {@code 7}. */
  public static int[] epochs(String spec) {
    String s = spec.trim();
    try {
      int dash = s.indexOf('-');
      if (dash < 0) {
        int e = Integer.parseInt(s);
        return new int[] {e, e};
      }
      return new int[] {Integer.parseInt(s.substring(0, dash).trim()), Integer.parseInt(s.substring(dash + 1).trim())};
    } catch (NumberFormatException e) {
      throw new UserException("--epochs must be FROM-TO (e.g. 5-10), got \"" + spec + "\"");
    }
  }

  public static CheckpointSelection.Selection run(Config c, Answerer answerer, RunDir.Options o) throws IOException, InterruptedException {
    List<Integer> epochs = new ArrayList<>();
    for (int e = c.fromEpoch(); e <= c.toEpoch(); e++) {
      Path d = c.run().resolve("epoch-" + e);
      if (!Files.isDirectory(d)) throw new UserException(d + ": no such checkpoint (" + c.run() + " holds " + present(c.run()) + ")");
      epochs.add(e);
    }
    if (c.reference() != null && !Files.isRegularFile(c.reference())) throw new UserException(c.reference() + ": no such reference answer file");
    CheckpointSelection.Selection sel;
    try (RunDir run = RunDir.open(o)) {
      run.input(c.prompts());
      if (c.reference() != null) run.input(c.reference());
      run.config("run", c.run().toString()).config("epochs", c.fromEpoch() + "-" + c.toEpoch()).config("criterion", c.criterion());
      run.config("judge", PairwiseEval.judgeConfig(c.judge())).config("samples", c.samples()).config("temperature", c.temperature()).config("bootstrap", c.bootstrap());
      Path gen = run.out().resolve("generations");
      Files.createDirectories(gen);
      List<Responses> answers = new ArrayList<>();
      for (int e : epochs) {
        Path f = gen.resolve("epoch-" + e + ".jsonl");
        answerer.answer(c.run().resolve("epoch-" + e), c.prompts(), f);
        answers.add(Responses.read(f, "epoch-" + e));
        run.stats().add("select", "checkpoints_answered", 1);
      }
      Path cache = c.cache() != null ? c.cache() : run.out().resolve("judge-cache.jsonl");
      List<CheckpointSelection.Candidate> cands = new ArrayList<>();
      List<String> outputs = new ArrayList<>();
      if (c.reference() == null) {
        var r = LikertEval.run(c.prompts(), answers, c.judge(), cache, c.samples(), c.temperature(), c.maxUnparseable(), c.bootstrap(), child(run, "likert"), null);
        Map<String, Report.LikertRow> rows = new LinkedHashMap<>();
        for (Report.LikertRow row : r.report().likert()) rows.put(row.model(), row);
        for (int e : epochs) {
          Report.LikertRow row = rows.get("epoch-" + e);
          cands.add(new CheckpointSelection.Candidate(e, "epoch-" + e, row == null ? 0 : row.prompts(), row == null ? null : row.mean()));
        }
      } else {
        for (int i = 0; i < epochs.size(); i++) {
          int e = epochs.get(i);
          var cfg = new PairwiseEval.Config(c.prompts(), answers.get(i).file(), "epoch-" + e, c.reference(), "reference", c.judge(), cache, c.maxUnparseable(), c.bootstrap());
          RunDir.Options co = child(run, "pairwise/epoch-" + e);
          PairwiseEval.run(cfg, co);
          List<Labels> labels = Labels.read(co.out());
          double[] v = new double[labels.size()];
          for (int k = 0; k < v.length; k++)
            v[k] = switch (labels.get(k).label()) {
              case WIN -> 1.0;
              case TIE -> 0.5;
              case LOSS -> 0.0;
            };
          cands.add(new CheckpointSelection.Candidate(e, "epoch-" + e, v.length, new Bootstrap(Hashing.key(run.seed(), "bootstrap"), c.bootstrap()).mean(v)));
        }
      }
      CheckpointSelection.Candidate best = CheckpointSelection.best(cands);
      String criterion = c.reference() == null
          ? "likert: mean 1-6 helpfulness over dev prompts (" + c.samples() + " judge samples per answer)"
          : "pairwise vs " + c.reference().getFileName() + ": share won + half the ties";
      String how = CheckpointSelection.link(c.run(), best.checkpoint());
      sel = new CheckpointSelection.Selection("selection", criterion, c.judge().model(), CheckpointSelection.TIE_RULE, cands, best, c.run().resolve(best.checkpoint()).toString(), how);
      AtomicFiles.write(c.run().resolve(CheckpointSelection.SELECTED_JSON), out -> Json.PRETTY.writeValue(out, sel));
      run.writeJson(SELECTION, sel);
      outputs.add(SELECTION);
      outputs.addAll(ExperimentCharts.save(ExperimentCharts.selection("checkpoint selection on the dev set", sel), run.out(), CHART));
      AtomicFiles.writeString(run.file(MD), markdown(sel, c));
      outputs.add(MD);
      run.stats().add("select", "selected_epoch", best.epoch());
      run.finish("eval select", outputs, null);
    }
    return sel;
  }

  private static RunDir.Options child(RunDir run, String name) {
    return new RunDir.Options(run.out().resolve(name), true, run.seed(), -1);
  }

  private static String present(Path run) throws IOException {
    if (!Files.isDirectory(run)) return "nothing: no such run folder";
    try (Stream<Path> s = Files.list(run)) {
      List<String> e = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("epoch-\\d+")).sorted((a, b) -> Integer.compare(Integer.parseInt(a.substring(6)), Integer.parseInt(b.substring(6)))).toList();
      return e.isEmpty() ? "no epoch-K checkpoint" : String.join(", ", e);
    }
  }

  static String markdown(CheckpointSelection.Selection s, Config c) {
    StringBuilder sb = new StringBuilder("# Checkpoint selection\n\n");
    sb.append("Run: `").append(c.run()).append("`; dev prompts: `").append(c.prompts()).append("`; judge: `").append(s.judge()).append("`.\n\n");
    sb.append("Criterion: ").append(s.criterion()).append(". Tie rule: ").append(s.tieRule()).append(".\n\n");
    sb.append("![selection](").append(CHART).append(".png)\n\n| epoch | prompts | score [95% CI] | selected |\n|---:|---:|---|---|\n");
    for (var k : s.candidates())
      sb.append(String.format(Locale.ROOT, "| %d | %d | %.3f [%.3f, %.3f] | %s |%n", k.epoch(), k.n(), k.score().estimate(), k.score().lo(), k.score().hi(), k.epoch() == s.selected().epoch() ? "**yes**" : ""));
    sb.append("\nSelected: `").append(s.selectedPath()).append("` (`selected` is a ").append(s.link()).append(").\n");
    return sb.toString();
  }
}
