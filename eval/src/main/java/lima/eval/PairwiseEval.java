package lima.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lima.core.ExitCodes;
import lima.core.JsonlWriter;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.judge.ChatClient;
import lima.eval.judge.JudgeOptions;
import lima.eval.judge.JudgePrompt;
import lima.eval.judge.JudgePrompts;
import lima.eval.judge.JudgeRunner;
import lima.eval.judge.VerdictParser;
import lima.eval.judge.VerdictParser.Pick;

/**
 * {@code lima eval pairwise}: a model judge's preference between the responses of A and B to each
 * prompt, asked twice (A shown first, then B shown first). Equal verdicts give the item's label;
 * different verdicts make it a tie (the paper's way of cancelling position bias). An item with an
 * unparseable or failed answer in either order gets no label and is counted.
 */
public final class PairwiseEval {
  private PairwiseEval() {}

  public static final String JUDGMENTS = "judgments.jsonl";
  public static final String CACHE = "cache.jsonl";

  public record Config(Path prompts, Path a, String aName, Path b, String bName, JudgeOptions judge, Path cache, Threshold maxUnparseable, int bootstrap) {
    public Config {
      if (maxUnparseable == null) maxUnparseable = Threshold.parse("5%");
      if (bootstrap < 1) throw new UserException("--bootstrap must be >= 1, got " + bootstrap);
    }
  }

  public record Result(int items, int labelled, int missing, int unparseable, int failed, long sent, long cacheHits, Report.WtlRow row) {}

  /** One ordering's answer for one item. */
  record Ask(String order, Pick pick, Outcome outcome, String content, String error, boolean cached) {}

  public static Result run(Config c, RunDir.Options o) throws IOException, InterruptedException {
    return run(c, o, null);
  }

  public static Result run(Config c, RunDir.Options o, ChatClient.Sleeper sleeper) throws IOException, InterruptedException {
    Map<String, String> prompts = Prompts.read(c.prompts());
    Responses a = Responses.read(c.a(), c.aName());
    Responses b = Responses.read(c.b(), c.bName());
    Result result;
    String failure = null;
    try (RunDir run = RunDir.open(o)) {
      run.input(c.prompts()).input(c.a()).input(c.b());
      config(run, c, a, b);
      Paired paired = Paired.of(run, prompts, a, b);

      List<ObjectNode> bodies = new ArrayList<>();
      try (Judging judging = new Judging(run, c.judge(), c.cache(), sleeper)) {
        ChatClient client = judging.client;
        for (Paired.Item it : paired.items()) {
          bodies.add(client.body(JudgePrompts.PAIRWISE.system(), fill(it.prompt(), it.a(), it.b()), 0.0, null));
          bodies.add(client.body(JudgePrompts.PAIRWISE.system(), fill(it.prompt(), it.b(), it.a()), 0.0, null));
        }
        List<JudgeRunner.Result> answers = judging.ask(bodies, "pairwise");

        String rater = "judge:" + c.judge().model();
        List<Outcome> outcomes = new ArrayList<>();
        List<Boolean> longerWon = new ArrayList<>();
        int unparseable = 0, failed = 0, disagree = 0, agree = 0, firstPicks = 0, secondPicks = 0, neitherPicks = 0, parsedAnswers = 0;
        long lenA = 0, lenB = 0;
        try (JsonlWriter judgments = run.jsonl(JUDGMENTS);
            JsonlWriter labels = run.jsonl(Labels.FILE)) {
          for (int i = 0; i < paired.items().size(); i++) {
            Paired.Item it = paired.items().get(i);
            Ask ab = ask("a_first", answers.get(2 * i), false);
            Ask ba = ask("b_first", answers.get(2 * i + 1), true);
            String status;
            Outcome label = null;
            for (Ask x : List.of(ab, ba)) {
              if (x.error() != null) failed++;
              else if (x.pick() == null) unparseable++;
              else {
                parsedAnswers++;
                switch (x.pick()) {
                  case FIRST -> firstPicks++;
                  case SECOND -> secondPicks++;
                  case NEITHER -> neitherPicks++;
                }
              }
            }
            if (ab.error() != null || ba.error() != null) status = "failed";
            else if (ab.outcome() == null || ba.outcome() == null) status = "unparseable";
            else if (ab.outcome() == ba.outcome()) {
              status = "consistent";
              label = ab.outcome();
              agree++;
            } else {
              status = "orders_disagree";
              label = Outcome.TIE;
              disagree++;
            }
            run.stats().inc("pairwise", status);
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("id", it.id());
            j.put("status", status);
            j.put("label", label == null ? null : label.label());
            j.put("len_a", it.a().length());
            j.put("len_b", it.b().length());
            j.put("asks", List.of(describe(ab), describe(ba)));
            judgments.write(j);
            if (label != null) {
              outcomes.add(label);
              labels.write(new Labels(it.id(), rater, label, a.name(), b.name()).toJson());
              lenA += it.a().length();
              lenB += it.b().length();
              if (label != Outcome.TIE && it.a().length() != it.b().length())
                longerWon.add((label == Outcome.WIN) == (it.a().length() > it.b().length()));
            }
          }
          judgments.commit();
          labels.commit();
        }

        Bootstrap boot = new Bootstrap(lima.core.Hashing.key(run.seed(), "bootstrap"), c.bootstrap());
        Report.WtlRow row = Report.wtl(a.name(), b.name(), rater, outcomes, boot);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("judge", Map.of("model", c.judge().model(), "prompt", JudgePrompts.PAIRWISE.describe()));
        details.put("items", Map.of("prompts", prompts.size(), "judged", paired.items().size(), "labelled", outcomes.size(), "missing_a", paired.missingA(), "missing_b", paired.missingB(), "unknown_ids", paired.unknown()));
        details.put("tie_rule", "asked in both orders; equal verdicts give the label, different verdicts give a tie");
        Map<String, Object> pos = new LinkedHashMap<>();
        pos.put("parsed_answers", parsedAnswers);
        pos.put("picked_first_shown", firstPicks);
        pos.put("picked_second_shown", secondPicks);
        pos.put("picked_neither", neitherPicks);
        pos.put("first_share_of_decisive", firstPicks + secondPicks == 0 ? null : round((double) firstPicks / (firstPicks + secondPicks)));
        pos.put("items_orders_agree", agree);
        pos.put("items_orders_disagree", disagree);
        pos.put("disagreement_rate", agree + disagree == 0 ? null : round((double) disagree / (agree + disagree)));
        details.put("position_bias", pos);
        Map<String, Object> len = new LinkedHashMap<>();
        boolean[] lw = new boolean[longerWon.size()];
        for (int k = 0; k < lw.length; k++) lw[k] = longerWon.get(k);
        Bootstrap.Interval li = new Bootstrap(lima.core.Hashing.key(run.seed(), "length-bias"), c.bootstrap()).mean(Bootstrap.indicator(lw));
        len.put("decisive_items_with_different_lengths", lw.length);
        len.put("longer_won_share", lw.length == 0 ? null : li);
        len.put("mean_chars_a", outcomes.isEmpty() ? null : round((double) lenA / outcomes.size()));
        len.put("mean_chars_b", outcomes.isEmpty() ? null : round((double) lenB / outcomes.size()));
        details.put("length_bias", len);
        details.put("unparseable_answers", unparseable);
        details.put("failed_requests", failed);
        details.put("bootstrap", Map.of("replicates", c.bootstrap(), "level", 0.95, "method", "percentile, nearest rank", "seed", run.seed()));
        Report report = new Report("pairwise", a.name() + " vs " + b.name(), List.of(row), null, null, null, details);
        List<String> outputs = new ArrayList<>(List.of(JUDGMENTS, Labels.FILE));
        outputs.addAll(ReportWriter.write(run.out(), report));
        run.stats().add("judge", "unparseable_answers", unparseable);
        run.stats().add("judge", "failed_requests", failed);
        run.finish("eval pairwise", outputs, null);
        result = new Result(paired.items().size(), outcomes.size(), paired.missingA() + paired.missingB(), unparseable, failed, client.sent(), client.cacheHits(), row);
        int asked = bodies.size();
        if (failed > 0)
          failure = String.format(Locale.ROOT, "%d of %d judge requests failed after their retries (see %s); run again with --force on the same --out to retry only those (answers received are cached)", failed, asked, run.file(JUDGMENTS));
        else if (c.maxUnparseable().exceeded(unparseable, asked))
          failure = String.format(Locale.ROOT, "%d of %d judge answers (%.1f%%) had no parseable verdict, more than --max-unparseable %s; the raw answers are in %s", unparseable, asked, 100.0 * unparseable / Math.max(1, asked), c.maxUnparseable().text(), run.file(JUDGMENTS));
      }
    }
    if (failure != null) throw new UserException(failure, ExitCodes.DATA);
    return result;
  }

  static String fill(String question, String first, String second) {
    return JudgePrompts.PAIRWISE.fill(Map.of("question", question, "response_1", first, "response_2", second));
  }

  static Ask ask(String order, JudgeRunner.Result r, boolean bFirst) {
    if (!r.ok()) return new Ask(order, null, null, null, r.error(), false);
    Pick p = VerdictParser.pairwise(r.answer().content());
    Outcome o = null;
    if (p != null)
      o = switch (p) {
        case FIRST -> bFirst ? Outcome.LOSS : Outcome.WIN;
        case SECOND -> bFirst ? Outcome.WIN : Outcome.LOSS;
        case NEITHER -> Outcome.TIE;
      };
    return new Ask(order, p, o, r.answer().content(), null, r.answer().cached());
  }

  static Map<String, Object> describe(Ask x) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("order", x.order());
    m.put("verdict", x.pick() == null ? null : x.pick().name().toLowerCase(Locale.ROOT));
    m.put("outcome", x.outcome() == null ? null : x.outcome().label());
    m.put("parsed", x.pick() != null);
    if (x.error() != null) m.put("error", x.error());
    m.put("raw", x.content());
    return m;
  }

  static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  public static Map<String, Object> judgeConfig(JudgeOptions j) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", j.url());
    m.put("model", j.model());
    m.put("api_key", j.apiKey() == null || j.apiKey().isEmpty() ? "none" : "set (from the environment; never recorded)");
    m.put("concurrency", j.concurrency());
    m.put("rpm", j.rpm());
    m.put("timeout_ms", j.timeout().toMillis());
    m.put("retries", j.retries());
    m.put("backoff_ms", j.backoff().toMillis());
    m.put("max_tokens", j.maxTokens());
    return m;
  }

  /**
   * What a rating run (absolute, likert) records before it asks: the prompts and every model's responses as
   * inputs, the judge's settings and the judge prompt's id and hash.
   */
  static void recordRatingInputs(RunDir run, Path prompts, List<Responses> models, JudgeOptions j, JudgePrompt prompt) {
    run.input(prompts);
    for (Responses m : models) run.input(m.file());
    run.config("judge", judgeConfig(j)).config("judge_prompt", prompt.describe());
  }

  private static void config(RunDir run, Config c, Responses a, Responses b) {
    run.config("a", a.name()).config("b", b.name()).config("judge", judgeConfig(c.judge()));
    run.config("judge_prompt", JudgePrompts.PAIRWISE.describe());
    run.config("max_unparseable", c.maxUnparseable().text()).config("bootstrap", c.bootstrap());
  }
}
