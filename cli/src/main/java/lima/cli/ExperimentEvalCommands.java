package lima.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lima.core.Example;
import lima.core.RunDir;
import lima.eval.experiments.CheckpointSelection;
import lima.eval.experiments.DialogueReport;
import lima.eval.experiments.DialogueRun;
import lima.eval.experiments.Checkpoints;
import lima.eval.experiments.PerplexityEval;
import lima.eval.experiments.SelectEval;
import lima.train.generate.GenerateOptions;
import lima.train.generate.TokenListener;
import lima.train.generate.Generator;
import lima.train.generate.PromptRun;
import lima.train.model.Placement;
import lima.train.perplexity.Perplexity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The experiment commands of {@code lima eval} that need a model (see docs/experiments.md): they compose
 * the train module (models, generation, perplexity) with the eval module (judging, statistics, reports).
 */
final class ExperimentEvalCommands {
  private ExperimentEvalCommands() {}

  /** {@code lima eval perplexity}. */
  @Command(name = "perplexity", mixinStandardHelpOptions = true, description = "Perplexity over the assistant tokens of a dev set, per checkpoint (paper appendix B, Figure 9): JSON, table and chart.")
  static final class PerplexityCmd implements Callable<Integer> {
    @Mixin RunOptions run;
    @Mixin JudgeMixin.BootstrapOption boot;
    @Mixin PlacementOptions dev;

    @Option(names = "--model", required = true, arity = "1..*", paramLabel = "[NAME=]DIR", description = "Model folders (e.g. RUN/epoch-1 ... RUN/epoch-15); an epoch-K folder is plotted at epoch K.")
    List<String> models;

    @Option(names = "--data", required = true, paramLabel = "DEV.jsonl", description = "Dev conversations with responses (examples.jsonl or LIMA train format); prompt-only records are skipped (rejects.jsonl).")
    Path data;

    @Option(names = "--quality", paramLabel = "SELECTED", description = "selected.json of lima eval select (or its run folder): draw the judged quality of the same epochs on a second axis.")
    Path quality;

    @Option(names = "--max-len", defaultValue = "2048", description = "Trim conversations to this many tokens, as training does (default ${DEFAULT-VALUE}).")
    int maxLen;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Placement placement = dev.placement();
      PerplexityEval.Scorer scorer = (dir, convs) -> score(dir, convs, placement, maxLen);
      var r = PerplexityEval.run(Checkpoints.parse(models), data, scorer, quality, boot.replicates, run.toRunOptions());
      List<String> parts = new ArrayList<>();
      for (var row : r.rows()) parts.add(String.format(Locale.ROOT, "%s %.3f", row.model(), row.perplexity().estimate()));
      spec.commandLine().getOut().printf("perplexity over %d dev conversations: %s -> %s%n", r.conversations(), String.join("; ", parts), run.out());
      return 0;
    }
  }

  static List<PerplexityEval.ExampleScore> score(Path dir, List<Example> convs, Placement placement, int maxLen) throws IOException {
    List<Perplexity.Conversation> c = new ArrayList<>();
    for (Example e : convs) c.add(new Perplexity.Conversation(e.id(), e.conversations()));
    Perplexity.Score s = Perplexity.score(dir, placement, c, maxLen);
    return s.examples().stream().map(x -> new PerplexityEval.ExampleScore(x.id(), x.tokens(), x.nll())).toList();
  }

  /** {@code lima eval select}. */
  @Command(name = "select", mixinStandardHelpOptions = true, description = {
      "Pick the checkpoint of a training run by judged quality on dev prompts, as the LIMA paper does (epochs 5-10).",
      "Answers the prompts with every epoch checkpoint (paper sampling), judges them (Likert 1-6, or pairwise against --reference), and writes RUN/selected.json and the RUN/selected link. Ties go to the earlier epoch."})
  static final class SelectCmd implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "OUT", description = "Training run folder holding epoch-K checkpoints.") Path runDir;
    @Option(names = "--prompts", required = true, paramLabel = "DEV.jsonl", description = "Dev prompts (the paper: 50).") Path prompts;
    @Option(names = "--epochs", defaultValue = "5-10", paramLabel = "FROM-TO", description = "Epoch range (default ${DEFAULT-VALUE}).") String epochs;
    @Option(names = "--reference", paramLabel = "FILE", description = "Reference answers (id + response): judge pairwise against them instead of Likert.") Path reference;
    @Option(names = "--samples", defaultValue = "5", description = "Likert judge samples per answer (default ${DEFAULT-VALUE}).") int samples;
    @Option(names = "--judge-temperature", defaultValue = "0.7", description = "Likert judge sampling temperature (default ${DEFAULT-VALUE}).") double judgeTemperature;
    @Option(names = "--max-new-tokens", defaultValue = "2048", description = "Generation length limit (default ${DEFAULT-VALUE}, the paper's).") int maxNewTokens;
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Where generations, judge runs and the table go (default RUN/select).") Path out;
    @Option(names = "--force", description = "Reuse a non-empty --out (generations and judge answers already there are kept).") boolean force;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of generation, judge samples and bootstrap (default ${DEFAULT-VALUE}).") long seed;
    @Mixin JudgeMixin judge;
    @Mixin JudgeMixin.BootstrapOption boot;
    @Mixin PlacementOptions dev;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      int[] e = SelectEval.epochs(epochs);
      Placement placement = dev.placement();
      GenerateOptions go = GenerateOptions.DEFAULTS.withMaxNewTokens(maxNewTokens).withSeed(seed);
      SelectEval.Answerer answerer = (ck, p, f) -> {
        try (Generator g = Generator.open(ck, placement)) {
          PromptRun.run(g, p, f, go);
        }
      };
      var c = new SelectEval.Config(runDir, prompts, e[0], e[1], reference, judge.options(seed), judge.cache, judge.threshold(), samples, judgeTemperature, boot.replicates);
      Path o = out != null ? out : runDir.resolve("select");
      CheckpointSelection.Selection s = SelectEval.run(c, answerer, new RunDir.Options(o, force, seed, -1));
      List<String> parts = new ArrayList<>();
      for (var k : s.candidates()) parts.add(String.format(Locale.ROOT, "%d: %.3f", k.epoch(), k.score().estimate()));
      spec.commandLine().getOut().printf("selected epoch %d (%s; %s) -> %s (%s)%n", s.selected().epoch(), s.criterion(), String.join(", ", parts), runDir.resolve(CheckpointSelection.LINK), s.link());
      return 0;
    }
  }

  /** {@code lima eval dialogue run|judge|rate}. */
  @Command(name = "dialogue", mixinStandardHelpOptions = true, description = "The paper's dialogue study (section 6, Figure 7): continue conversations, then rate every assistant turn Fail / Pass / Excellent.",
      subcommands = {DialogueCmd.Run.class, DialogueCmd.Judge.class, DialogueCmd.Rate.class})
  static final class DialogueCmd implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(spec.commandLine(), "dialogue run, dialogue judge or dialogue rate is required");
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Continue conversations with a model for up to --turns assistant turns from opening prompts; the next user turn comes from --user-turns FILE or a --user model (OpenAI-compatible).",
        "Writes dialogues.jsonl, per-turn turns.prompts.jsonl / turns.responses.jsonl and a blank rating sheet sheet.csv."})
    static final class Run implements Callable<Integer> {
      @Mixin RunOptions run;
      @Mixin PlacementOptions dev;
      @Option(names = "--model", required = true, paramLabel = "DIR", description = "The assistant model folder.") Path model;
      @Option(names = "--openings", required = true, paramLabel = "FILE", description = "Opening prompts (examples.jsonl / LIMA test format; the first turn of each record).") Path openings;
      @Option(names = "--turns", defaultValue = "3", description = "Assistant turns per conversation (default ${DEFAULT-VALUE}).") int turns;
      @Option(names = "--name", paramLabel = "NAME", description = "The model's name in sheets and reports (default: the model folder's name).") String name;
      @Option(names = "--user-turns", paramLabel = "FILE", description = "Scripted user turns: JSON Lines {\"id\": OPENING_ID, \"turns\": [2nd user message, ...]}.") Path userTurns;
      @Option(names = "--user", paramLabel = "URL", description = "An OpenAI-compatible server playing the user (instead of --user-turns).") String userUrl;
      @Option(names = "--user-model", paramLabel = "NAME", description = "Model name sent to --user.") String userModel;
      @Option(names = "--user-api-key-env", defaultValue = "OPENAI_API_KEY", paramLabel = "VAR", description = "Environment variable with the --user key (default ${DEFAULT-VALUE}); never logged or written.") String userKeyEnv;
      @Option(names = "--user-temperature", defaultValue = "0.7", description = "Sampling temperature of the user model (default ${DEFAULT-VALUE}).") double userTemperature;
      @Option(names = "--max-new-tokens", defaultValue = "2048", description = "Assistant turn length limit (default ${DEFAULT-VALUE}, the paper's).") int maxNewTokens;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() throws Exception {
        if ((userTurns == null) == (userUrl == null)) throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --user-turns FILE or --user URL --user-model NAME");
        if (userUrl != null && userModel == null) throw new CommandLine.ParameterException(spec.commandLine(), "--user needs --user-model NAME");
        String n = name != null ? name : model.toAbsolutePath().normalize().getFileName().toString();
        GenerateOptions go = GenerateOptions.DEFAULTS.withMaxNewTokens(maxNewTokens);
        DialogueRun.Result r;
        try (Generator g = Generator.open(model, dev.placement())) {
          int context = g.config().maxPositionEmbeddings();
          DialogueRun.Assistant a = (turns, seed) -> {
            int[] ids = g.chat().prompt(turns);
            if (ids.length >= context) return null; // the conversation no longer fits: it ends here
            return g.generate(ids, go, new java.util.SplittableRandom(seed), TokenListener.NONE).text();
          };
          if (userTurns != null) {
            r = DialogueRun.run(openings, turns, a, DialogueRun.fromFile(userTurns), "file:" + userTurns, n, run.toRunOptions());
          } else {
            String key = userKeyEnv == null ? null : JudgeMixin.env.apply(userKeyEnv);
            var o = lima.eval.judge.JudgeOptions.of(userUrl, userModel, key);
            java.nio.file.Files.createDirectories(run.out());
            try (var u = DialogueRun.fromModel(o, run.out().resolve("user-cache.jsonl"), userTemperature)) {
              r = DialogueRun.run(openings, turns, a, u, "model:" + userModel, n, run.toRunOptions());
            }
          }
        }
        spec.commandLine().getOut().printf("%d conversations, %d assistant turns (%d ended early: no user turn or context full) -> %s%n", r.conversations(), r.assistantTurns(), r.endedEarly(), run.out());
        return 0;
      }
    }

    @Command(name = "judge", mixinStandardHelpOptions = true, description = "A judge rates every assistant turn of dialogue runs Fail / Pass / Excellent (Figure 7).")
    static final class Judge implements Callable<Integer> {
      @Mixin RunOptions run;
      @Mixin JudgeMixin judge;
      @Mixin JudgeMixin.BootstrapOption boot;
      @CommandLine.Parameters(arity = "1..*", paramLabel = "DIALOGUE_DIR", description = "Folders written by lima eval dialogue run.") List<Path> runs;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() throws Exception {
        var r = DialogueReport.judge(runs, judge.options(run.seed), judge.cache, judge.threshold(), boot.replicates, run.toRunOptions());
        spec.commandLine().getOut().printf("%s -> %s%n", summary(r), run.out());
        return 0;
      }
    }

    @Command(name = "rate", mixinStandardHelpOptions = true, description = "Read filled-in per-turn sheets (sheet.csv of dialogue run, rating column = Fail/Pass/Excellent) into the Figure 7 report.")
    static final class Rate implements Callable<Integer> {
      @Mixin RunOptions run;
      @Mixin JudgeMixin.BootstrapOption boot;
      @CommandLine.Parameters(arity = "1..*", paramLabel = "SHEET.csv") List<Path> sheets;
      @CommandLine.Option(names = "--prompts", paramLabel = "FILE", description = "The turn prompts the sheets' ids come from (default: turns.prompts.jsonl beside the first sheet).")
      Path prompts;
      @CommandLine.Spec CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() throws Exception {
        var r = DialogueReport.rate(sheets, prompts, boot.replicates, run.toRunOptions());
        spec.commandLine().getOut().printf("%s -> %s%n", summary(r), run.out());
        return 0;
      }
    }

    static String summary(lima.eval.Report r) {
      List<String> parts = new ArrayList<>();
      for (var row : r.absolute())
        parts.add(String.format(Locale.ROOT, "%s: Excellent %.1f%%, Fail %d of %d turns", row.model(), 100 * row.excellent().estimate(), row.fails(), row.n()));
      return String.join("; ", parts);
    }
  }
}
