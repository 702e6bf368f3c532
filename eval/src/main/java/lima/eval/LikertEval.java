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
import lima.core.Hashing;
import lima.core.JsonlWriter;
import lima.core.RunDir;
import lima.core.UserException;
import lima.eval.judge.ChatClient;
import lima.eval.judge.JudgeOptions;
import lima.eval.judge.JudgePrompts;
import lima.eval.judge.JudgeRunner;
import lima.eval.judge.VerdictParser;

/**
 * {@code lima eval likert}: the ablations' 1-6 helpfulness score from a judge, {@code samples}
 * answers per response at {@code temperature} > 0 (each sample's request carries its own {@code
 * seed}, so each is cached separately). A model's score is the mean over prompts of each prompt's mean
 * over its parseable samples, with a bootstrap interval over prompts.
 */
public final class LikertEval {
  private LikertEval() {}

  public static final String SCORES = "scores.jsonl";

  /**
   * @param requests judge answers needed (responses x samples)
   * @param sent requests that went over the network (retries included; identical requests and cached
   *     answers are not sent)
   * @param cacheHits answers that came from the cache
   */
  public record Result(int requests, long sent, long cacheHits, int unparseable, int failed, Report report) {}

  public static Result run(Path prompts, List<Responses> models, JudgeOptions j, Path cache, int samples, double temperature, Threshold maxUnparseable, int bootstrap, RunDir.Options o, ChatClient.Sleeper sleeper)
      throws IOException, InterruptedException {
    if (samples < 1) throw new UserException("--samples must be >= 1, got " + samples);
    if (!(temperature > 0)) throw new UserException("--temperature must be > 0 for repeated samples, got " + temperature);
    Map<String, String> p = Prompts.read(prompts);
    String failure = null;
    Result result;
    try (RunDir run = RunDir.open(o)) {
      PairwiseEval.recordRatingInputs(run, prompts, models, j, JudgePrompts.LIKERT);
      run.config("samples", samples).config("temperature", temperature).config("max_unparseable", maxUnparseable.text()).config("bootstrap", bootstrap);
      List<Object[]> keys = new ArrayList<>();
      List<ObjectNode> bodies = new ArrayList<>();
      try (Judging judging = new Judging(run, j, cache, sleeper)) {
        for (Responses.Answered a : Responses.answered(run, models, p)) {
          String user = JudgePrompts.LIKERT.fill(Map.of("question", a.prompt(), "response", a.response()));
          for (int s = 0; s < samples; s++) {
            keys.add(new Object[] {a.id(), a.model(), s});
            int sampleSeed = (int) (Hashing.key(run.seed(), "likert-sample:" + s) & 0x7fffffff);
            bodies.add(judging.client.body(JudgePrompts.LIKERT.system(), user, temperature, sampleSeed));
          }
        }
        List<JudgeRunner.Result> answers = judging.ask(bodies, "likert");
        int unparseable = 0, failed = 0;
        Map<String, Map<String, List<Integer>>> byModel = new LinkedHashMap<>();
        Map<String, Integer> scoresPerModel = new LinkedHashMap<>(), badPerModel = new LinkedHashMap<>();
        for (Responses m : models) byModel.put(m.name(), new LinkedHashMap<>());
        try (JsonlWriter w = run.jsonl(SCORES)) {
          for (int i = 0; i < keys.size(); i++) {
            JudgeRunner.Result r = answers.get(i);
            Integer score = r.ok() ? VerdictParser.likert(r.answer().content()) : null;
            String id = (String) keys.get(i)[0], model = (String) keys.get(i)[1];
            if (!r.ok()) failed++;
            else if (score == null) unparseable++;
            if (score == null) badPerModel.merge(model, 1, Integer::sum);
            else {
              scoresPerModel.merge(model, 1, Integer::sum);
              byModel.get(model).computeIfAbsent(id, k -> new ArrayList<>()).add(score);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("model", model);
            m.put("sample", keys.get(i)[2]);
            m.put("score", score);
            if (!r.ok()) m.put("error", r.error());
            m.put("raw", r.ok() ? r.answer().content() : null);
            w.write(m);
          }
          w.commit();
        }
        List<Report.LikertRow> rows = new ArrayList<>();
        for (var e : byModel.entrySet()) {
          double[] perPrompt = e.getValue().values().stream().mapToDouble(l -> l.stream().mapToInt(Integer::intValue).average().orElseThrow()).toArray();
          Bootstrap boot = new Bootstrap(Hashing.key(run.seed(), "bootstrap"), bootstrap);
          // A model without one parseable score keeps its row: mean null, "no judgments" in the report.
          rows.add(new Report.LikertRow(e.getKey(), perPrompt.length, samples, scoresPerModel.getOrDefault(e.getKey(), 0), badPerModel.getOrDefault(e.getKey(), 0), boot.mean(perPrompt)));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("judge", Map.of("model", j.model(), "prompt", JudgePrompts.LIKERT.describe()));
        details.put("samples_per_response", samples);
        details.put("temperature", temperature);
        details.put("unparseable_answers", unparseable);
        details.put("failed_requests", failed);
        details.put("mean", "mean over prompts of the per-prompt mean of parseable samples");
        Report report = new Report("likert", "likert ratings by judge " + j.model(), null, null, rows, null, details);
        List<String> outputs = new ArrayList<>(List.of(SCORES));
        outputs.addAll(ReportWriter.write(run.out(), report));
        run.stats().add("judge", "unparseable_answers", unparseable);
        run.stats().add("judge", "failed_requests", failed);
        run.finish("eval likert", outputs, null);
        result = new Result(bodies.size(), judging.client.sent(), judging.client.cacheHits(), unparseable, failed, report);
        if (failed > 0) failure = failed + " of " + bodies.size() + " judge requests failed after their retries; run again with --force on the same --out to retry only those";
        else if (maxUnparseable.exceeded(unparseable, bodies.size()))
          failure = String.format(Locale.ROOT, "%d of %d judge answers had no score alone on the last line, more than --max-unparseable %s; the raw answers are in %s", unparseable, bodies.size(), maxUnparseable.text(), run.file(SCORES));
      }
    }
    if (failure != null) throw new UserException(failure, ExitCodes.DATA);
    return result;
  }
}
