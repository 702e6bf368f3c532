package lima.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lima.core.UserException;
import lima.eval.AbsoluteEval;
import lima.eval.Agreement;
import lima.eval.EvalReport;
import lima.eval.LikertEval;
import lima.eval.PairwiseEval;
import lima.eval.RaterSheet;
import lima.eval.Report;
import lima.eval.Responses;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima eval}: the paper's evaluation by model judges and by people (see docs/eval.md). */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluate responses: pairwise preference, rater sheets, agreement, absolute and 1-6 ratings, reports.",
    subcommands = {
      EvalCommand.Pairwise.class,
      EvalCommand.Sheet.class,
      EvalCommand.AgreementCmd.class,
      EvalCommand.Absolute.class,
      EvalCommand.Likert.class,
      EvalCommand.ReportCmd.class,
      ExperimentEvalCommands.PerplexityCmd.class,
      ExperimentEvalCommands.SelectCmd.class,
      ExperimentEvalCommands.DialogueCmd.class,
    })
public final class EvalCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "an eval command is required (see lima eval --help)");
  }

  static String pct(lima.eval.Bootstrap.Interval i) {
    return lima.eval.ReportWriter.pct(i);
  }

  /** A share as a whole percentage, or "no judgments". */
  static String pct0(lima.eval.Bootstrap.Interval i) {
    return i == null ? lima.eval.ReportWriter.NO_JUDGMENTS : String.format(Locale.ROOT, "%.0f%%", 100 * i.estimate());
  }

  /** {@code lima eval pairwise}. */
  @Command(name = "pairwise", mixinStandardHelpOptions = true, description = "Ask a model judge which of A's and B's responses is significantly better (both orders; disagreement = tie).")
  static final class Pairwise implements Callable<Integer> {
    @Mixin EvalRunOptions run;
    @Mixin JudgeMixin judge;
    @Mixin JudgeMixin.BootstrapOption boot;

    @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "Prompts (LIMA test.jsonl or examples.jsonl).")
    Path prompts;

    @Option(names = "--a", required = true, paramLabel = "FILE", description = "Responses of A (JSON Lines: id + response).")
    Path a;

    @Option(names = "--b", required = true, paramLabel = "FILE", description = "Responses of B, the baseline.")
    Path b;

    @Option(names = "--a-name", description = "A's name in reports (default: file stem).")
    String aName;

    @Option(names = "--b-name", description = "B's name in reports (default: file stem).")
    String bName;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var c = new PairwiseEval.Config(prompts, a, aName, b, bName, judge.options(run.seed), judge.cache, judge.threshold(), boot.replicates);
      var r = PairwiseEval.run(c, run.toRunOptions());
      String shares = r.labelled() == 0 ? lima.eval.ReportWriter.NO_JUDGMENTS : "win " + pct(r.row().win()) + ", tie " + pct(r.row().tie()) + ", loss " + pct(r.row().loss());
      spec.commandLine().getOut().printf("%s vs %s: %s over %d prompts (%d missing, %d unparseable answers, %d requests sent, %d from cache) -> %s%n",
          r.row().a(), r.row().b(), shares, r.labelled(), r.missing(), r.unparseable(), r.sent(), r.cacheHits(), run.out());
      return 0;
    }
  }

  /** {@code lima eval sheet export|import}. */
  @Command(name = "sheet", mixinStandardHelpOptions = true, description = "Blinded CSV sheets for human raters.", subcommands = {Sheet.Export.class, Sheet.Import.class})
  static final class Sheet implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "sheet export or sheet import is required");
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a blinded sheet (random order per row), its key and the rater instructions.")
    static final class Export implements Callable<Integer> {
      @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "Prompt file (LIMA test JSONL or examples.jsonl); items are matched by id.") Path prompts;
      @Option(names = "--a", required = true, paramLabel = "FILE", description = "Responses of model A (JSON Lines with an id and a response).") Path a;
      @Option(names = "--b", required = true, paramLabel = "FILE", description = "Responses of model B.") Path b;
      @Option(names = "--a-name", description = "Name of model A in the key and reports (default: the file stem).") String aName;
      @Option(names = "--b-name", description = "Name of model B in the key and reports (default: the file stem).") String bName;

      @Option(names = {"-o", "--out"}, required = true, paramLabel = "SHEET.csv", description = "The sheet; SHEET.key.csv and SHEET.instructions.md are written beside it.")
      Path out;

      @Option(names = "--seed", defaultValue = "42", description = "Seed of the per-row order (default ${DEFAULT-VALUE}).") long seed;
      @Option(names = "--force", description = "Overwrite existing files.") boolean force;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() throws Exception {
        var r = RaterSheet.export(prompts, a, aName, b, bName, out, seed, force);
        spec.commandLine().getOut().printf("sheet of %d rows (%d prompts lacked a response) -> %s (key %s, instructions %s)%n", r.rows(), r.missing(), r.sheet(), r.key(), r.instructions());
        return 0;
      }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Read filled-in sheets (one rater each, or a rater column) back into win/tie/loss labels.")
    static final class Import implements Callable<Integer> {
      @Mixin EvalRunOptions run;
      @Mixin JudgeMixin.BootstrapOption boot;
      @Parameters(arity = "1..*", paramLabel = "SHEET.csv") List<Path> sheets;
      @Option(names = "--key", required = true, paramLabel = "KEY.csv", description = "The key written by sheet export.") Path key;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() throws Exception {
        var r = RaterSheet.importSheets(sheets, key, run.toRunOptions(), boot.replicates);
        spec.commandLine().getOut().printf("%d labels from %d raters %s (%d rows unlabelled) -> %s%n", r.labels(), r.raters().size(), r.raters(), r.unlabelled(), run.out());
        return 0;
      }
    }
  }

  /** {@code lima eval agreement}. */
  @Command(name = "agreement", mixinStandardHelpOptions = true, description = "Tie-discounted agreement between every pair of raters (and judges) on shared prompts.")
  static final class AgreementCmd implements Callable<Integer> {
    @Mixin EvalRunOptions run;
    @Mixin JudgeMixin.BootstrapOption boot;
    @Parameters(arity = "1..*", paramLabel = "LABELS", description = "labels.jsonl files or the eval folders holding them.") List<Path> labels;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var r = Agreement.run(labels, run.toRunOptions(), boot.replicates);
      List<String> parts = new ArrayList<>();
      for (Report.AgreementRow row : r.report().agreement()) parts.add(row.rater1() + "/" + row.rater2() + " " + pct(row.agreement()) + " n=" + row.n());
      if (parts.isEmpty()) parts.add(lima.eval.ReportWriter.NO_JUDGMENTS + " (no two raters labelled a prompt in common)");
      spec.commandLine().getOut().printf("agreement of %d raters: %s -> %s%n", r.raters().size(), String.join("; ", parts), run.out());
      return 0;
    }
  }

  /** {@code lima eval absolute}. */
  @Command(name = "absolute", mixinStandardHelpOptions = true, description = "Fail / Pass / Excellent per response, from a judge (--judge) or from rating sheets (--sheet); --export-sheet writes a sheet to fill in.")
  static final class Absolute implements Callable<Integer> {
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder (report.json, report.md, charts).") Path out;
    @Option(names = "--force", description = "Overwrite an existing non-empty output folder.") boolean force;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the bootstrap and of judge sampling (default ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--max-errors", defaultValue = "-1", description = "Stop after this many malformed input records (-1: never).") long maxErrors;
    @Mixin JudgeMixin.BootstrapOption boot;
    @Option(names = "--prompts", paramLabel = "FILE", description = "Prompt file (LIMA test JSONL or examples.jsonl); items are matched by id.") Path prompts;
    @Option(names = "--responses", paramLabel = "[NAME=]FILE", description = "Responses of a model (repeatable).") List<String> responses = new ArrayList<>();
    @Option(names = "--sheet", paramLabel = "SHEET.csv", description = "Filled-in rating sheets (columns id, rating; optional model, rater); needs --prompts.") List<Path> sheets = new ArrayList<>();
    @Option(names = "--model", defaultValue = "model", description = "Model name for sheets without a model column.") String model;
    @Option(names = "--export-sheet", paramLabel = "SHEET.csv", description = "Write a rating sheet for --prompts/--responses and stop.") Path exportSheet;
    @CommandLine.ArgGroup(exclusive = false, heading = "Judge (instead of --sheet):%n") JudgeMixin judgeGroup;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var o = spec.commandLine().getOut();
      if (exportSheet != null) {
        need(prompts != null && !responses.isEmpty(), "--export-sheet needs --prompts and --responses");
        int n = AbsoluteEval.exportSheet(prompts, read(responses), exportSheet, force);
        o.printf("rating sheet of %d rows -> %s%n", n, exportSheet);
        return 0;
      }
      need(out != null, "--out is required");
      var ro = new lima.core.RunDir.Options(out, force, seed, maxErrors);
      AbsoluteEval.Result r;
      if (judgeGroup != null) {
        need(prompts != null && !responses.isEmpty() && sheets.isEmpty(), "with --judge give --prompts and --responses (and no --sheet)");
        JudgeMixin j = judgeGroup;
        r = AbsoluteEval.judge(prompts, read(responses), j.options(seed), j.cache, j.threshold(), boot.replicates, ro, null);
      } else {
        need(!sheets.isEmpty(), "give --judge URL --judge-model NAME, or --sheet FILE.csv, or --export-sheet FILE.csv");
        need(prompts != null, "--sheet needs --prompts (the ids rated must be prompts of it)");
        r = AbsoluteEval.sheets(sheets, prompts, model, boot.replicates, ro);
      }
      List<String> parts = new ArrayList<>();
      for (var row : r.report().absolute())
        parts.add(row.n() == 0 ? row.model() + " (" + row.rater() + "): " + lima.eval.ReportWriter.NO_JUDGMENTS
            : String.format(Locale.ROOT, "%s (%s): Fail %s Pass %s Excellent %s of %d", row.model(), row.rater(), pct0(row.fail()), pct0(row.pass()), pct0(row.excellent()), row.n()));
      if (parts.isEmpty()) parts.add(lima.eval.ReportWriter.NO_JUDGMENTS);
      o.printf("%s -> %s%n", String.join("; ", parts), out);
      return 0;
    }
  }

  /** {@code lima eval likert}. */
  @Command(name = "likert", mixinStandardHelpOptions = true, description = "1-6 helpfulness from a judge, several samples per response; mean per model with a 95%% interval.")
  static final class Likert implements Callable<Integer> {
    @Mixin EvalRunOptions run;
    @Mixin JudgeMixin judge;
    @Mixin JudgeMixin.BootstrapOption boot;
    @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "Prompt file (LIMA test JSONL or examples.jsonl); items are matched by id.") Path prompts;
    @Option(names = "--responses", required = true, paramLabel = "[NAME=]FILE", description = "Responses of a model (repeatable).") List<String> responses;
    @Option(names = "--samples", defaultValue = "5", description = "Judge samples per response (default ${DEFAULT-VALUE}).") int samples;
    @Option(names = "--temperature", defaultValue = "0.7", description = "Judge sampling temperature, > 0 (default ${DEFAULT-VALUE}).") double temperature;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      var r = LikertEval.run(prompts, read(responses), judge.options(run.seed), judge.cache, samples, temperature, judge.threshold(), boot.replicates, run.toRunOptions(), null);
      List<String> parts = new ArrayList<>();
      for (var row : r.report().likert()) parts.add(row.model() + " " + lima.eval.ReportWriter.mean(row.mean()));
      if (parts.isEmpty()) parts.add(lima.eval.ReportWriter.NO_JUDGMENTS);
      spec.commandLine().getOut().printf("helpfulness: %s (%d answers: %d requests sent, %d from cache; %d unparseable) -> %s%n", String.join("; ", parts), r.requests(), r.sent(), r.cacheHits(), r.unparseable(), run.out());
      return 0;
    }
  }

  /** {@code lima eval report}. */
  @Command(name = "report", mixinStandardHelpOptions = true, description = "Gather the reports of several eval runs into one table (md + json + charts).")
  static final class ReportCmd implements Callable<Integer> {
    @Mixin OutFolderOptions run;
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Eval output folders (each with report.json).") List<Path> dirs;
    @Option(names = "--title", defaultValue = "lima evaluation", description = "Report title (default ${DEFAULT-VALUE}).") String title;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      // only finished reports are gathered: nothing random, no input records
      Report r = EvalReport.run(dirs, title, new lima.core.RunDir.Options(run.out, run.force, 0, -1));
      spec.commandLine().getOut().printf("report of %d runs: %d pairwise, %d absolute, %d likert, %d agreement rows -> %s%n",
          dirs.size(), r.pairwise().size(), r.absolute().size(), r.likert().size(), r.agreement().size(), run.out);
      return 0;
    }
  }

  static List<Responses> read(List<String> specs) throws java.io.IOException {
    List<Responses> out = new ArrayList<>();
    for (String s : specs) out.add(Responses.readSpec(s));
    return out;
  }

  static void need(boolean ok, String message) {
    if (!ok) throw new UserException(message);
  }
}
