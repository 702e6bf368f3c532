package lima.eval.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.AbsoluteEval;
import lima.eval.Report;
import lima.eval.ReportWriter;
import lima.eval.Responses;
import lima.eval.Threshold;
import lima.eval.judge.JudgeOptions;

/**
 * Rates the assistant turns of {@code lima eval dialogue run} folders Fail / Pass / Excellent, by a judge
 * ({@link #judge}) or from filled-in sheets ({@link #rate}), into one report per model: the LIMA paper's
 * Figure 7 (zero-shot against dialogue-fine-tuned).
 */
public final class DialogueReport {
  private DialogueReport() {}

  /** The paper's Figure 7 numbers (LIMA 65B, 10 conversations). */
  public static final Map<String, Object> PAPER = paper();

  private static Map<String, Object> paper() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("zero_shot", "Excellent 45.2%; 15 of 42 turns Fail");
    m.put("with_30_dialogue_chains", "Excellent 76.1%; 1 of 46 turns Fail");
    m.put("setup", "10 live conversations per model, each assistant turn labelled Fail / Pass / Excellent by the authors");
    return m;
  }

  /** The report name of a dialogue run folder (its {@code --name}). */
  public static String nameOf(Path dialogueDir) throws IOException {
    Path m = dialogueDir.resolve(RunDir.MANIFEST);
    if (!Files.isRegularFile(m) || !Files.isRegularFile(dialogueDir.resolve(DialogueRun.TURN_PROMPTS)))
      throw new UserException(dialogueDir + ": not a finished lima eval dialogue run folder (no manifest.json or " + DialogueRun.TURN_PROMPTS + ")");
    String n = Json.MAPPER.readTree(m.toFile()).path("config").path("name").asText("");
    return n.isEmpty() ? Responses.stem(dialogueDir.getFileName()) : n;
  }

  /** A judge rates every assistant turn of every run (one absolute run per model under {@code OUT/by-model/NAME}), merged. */
  public static Report judge(List<Path> runs, JudgeOptions j, Path cache, Threshold t, int bootstrap, RunDir.Options o) throws IOException, InterruptedException {
    if (runs.isEmpty()) throw new UserException("give at least one dialogue run folder");
    List<String> names = new ArrayList<>();
    for (Path r : runs) {
      String n = nameOf(r);
      if (names.contains(n)) throw new UserException("two dialogue runs are both named \"" + n + "\" (lima eval dialogue run --name)");
      names.add(n);
    }
    try (RunDir run = RunDir.open(o)) {
      for (Path r : runs) run.input(r.resolve(DialogueRun.TURN_PROMPTS)).input(r.resolve(DialogueRun.TURN_RESPONSES)).upstream(r.resolve(RunDir.MANIFEST));
      Path c = cache != null ? cache : run.out().resolve("judge-cache.jsonl");
      List<Report> parts = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        Path r = runs.get(i);
        var res = AbsoluteEval.judge(r.resolve(DialogueRun.TURN_PROMPTS), List.of(Responses.read(r.resolve(DialogueRun.TURN_RESPONSES), names.get(i))), j, c, t, bootstrap,
            new RunDir.Options(run.out().resolve("by-model").resolve(safe(names.get(i))), true, run.seed(), -1), null);
        parts.add(res.report());
      }
      return finish(run, parts, "judge " + j.model());
    }
  }

  /** Filled-in sheets (the {@code sheet.csv} of each run, rating column filled) into the same report. */
  public static Report rate(List<Path> sheets, int bootstrap, RunDir.Options o) throws IOException {
    return rate(sheets, null, bootstrap, o);
  }

  /**
   * As above; {@code prompts} is the turn-prompt file the sheets' ids come from (null: the
   * {@value DialogueRun#TURN_PROMPTS} beside the first sheet, where {@code dialogue run} writes both).
   */
  public static Report rate(List<Path> sheets, Path prompts, int bootstrap, RunDir.Options o) throws IOException {
    if (prompts == null) {
      Path dir = sheets.get(0).toAbsolutePath().getParent();
      prompts = dir.resolve(DialogueRun.TURN_PROMPTS);
      if (!java.nio.file.Files.isRegularFile(prompts))
        throw new lima.core.UserException(sheets.get(0) + ": no " + DialogueRun.TURN_PROMPTS + " beside it; give the turn prompts with --prompts");
    }
    try (RunDir run = RunDir.open(o)) {
      var res = AbsoluteEval.sheets(sheets, prompts, "model", bootstrap, new RunDir.Options(run.out().resolve("sheets"), true, run.seed(), o.maxErrors()));
      sheets.forEach(run::input);
      return finish(run, List.of(res.report()), "people (sheets)");
    }
  }

  private static Report finish(RunDir run, List<Report> parts, String by) throws IOException {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("rated_by", by);
    details.put("unit", "one row per assistant turn");
    details.put("paper_figure_7", PAPER);
    Report merged = Report.merge("dialogue turns rated by " + by, parts, details);
    merged = new Report("dialogue", merged.title(), merged.pairwise(), merged.absolute(), merged.likert(), merged.agreement(), details);
    List<String> outputs = ReportWriter.write(run.out(), merged);
    run.finish("eval dialogue", outputs, null);
    return merged;
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
