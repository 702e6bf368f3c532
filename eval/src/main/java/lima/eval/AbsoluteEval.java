package lima.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lima.core.AtomicFiles;
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
import lima.eval.judge.VerdictParser.Rating;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * {@code lima eval absolute}: Fail / Pass / Excellent per response (the paper's Figure 3), from a
 * model judge or from filled-in rating sheets. Writes {@code ratings.jsonl} (one line per rated
 * response) and the report.
 */
public final class AbsoluteEval {
  private AbsoluteEval() {}

  public static final String RATINGS = "ratings.jsonl";

  public record Result(int rated, int unparseable, int failed, Report report) {}

  record Rated(String id, String model, String rater, Rating rating) {}

  /** Asks the judge for a rating of every response of every model. */
  public static Result judge(Path prompts, List<Responses> models, JudgeOptions j, Path cache, Threshold maxUnparseable, int bootstrap, RunDir.Options o, ChatClient.Sleeper sleeper)
      throws IOException, InterruptedException {
    Map<String, String> p = Prompts.read(prompts);
    String failure = null;
    Result result;
    try (RunDir run = RunDir.open(o)) {
      PairwiseEval.recordRatingInputs(run, prompts, models, j, JudgePrompts.ABSOLUTE);
      run.config("max_unparseable", maxUnparseable.text()).config("bootstrap", bootstrap);
      List<String[]> keys = new ArrayList<>();
      List<ObjectNode> bodies = new ArrayList<>();
      try (Judging judging = new Judging(run, j, cache, sleeper)) {
        for (Responses.Answered a : Responses.answered(run, models, p)) {
          keys.add(new String[] {a.id(), a.model()});
          bodies.add(judging.client.body(JudgePrompts.ABSOLUTE.system(), JudgePrompts.ABSOLUTE.fill(Map.of("question", a.prompt(), "response", a.response())), 0.0, null));
        }
        List<JudgeRunner.Result> answers = judging.ask(bodies, "absolute");
        String rater = "judge:" + j.model();
        List<Rated> rated = new ArrayList<>();
        int unparseable = 0, failed = 0;
        try (JsonlWriter w = run.jsonl(RATINGS)) {
          for (int i = 0; i < keys.size(); i++) {
            JudgeRunner.Result r = answers.get(i);
            Rating rt = r.ok() ? VerdictParser.absolute(r.answer().content()) : null;
            if (!r.ok()) failed++;
            else if (rt == null) unparseable++;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", keys.get(i)[0]);
            m.put("model", keys.get(i)[1]);
            m.put("rater", rater);
            m.put("rating", rt == null ? null : rt.label());
            m.put("parsed", rt != null);
            if (!r.ok()) m.put("error", r.error());
            m.put("raw", r.ok() ? r.answer().content() : null);
            w.write(m);
            if (rt != null) rated.add(new Rated(keys.get(i)[0], keys.get(i)[1], rater, rt));
          }
          w.commit();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("judge", Map.of("model", j.model(), "prompt", JudgePrompts.ABSOLUTE.describe()));
        details.put("unparseable_answers", unparseable);
        details.put("failed_requests", failed);
        run.stats().add("judge", "unparseable_answers", unparseable);
        run.stats().add("judge", "failed_requests", failed);
        List<String[]> expected = new ArrayList<>();
        for (Responses m : models) expected.add(new String[] {m.name(), rater});
        result = finish(run, rated, expected, unparseable, failed, bootstrap, details);
        if (failed > 0) failure = failed + " of " + bodies.size() + " judge requests failed after their retries; run again with --force on the same --out to retry only those";
        else if (maxUnparseable.exceeded(unparseable, bodies.size()))
          failure = String.format(Locale.ROOT, "%d of %d judge answers had no parseable rating, more than --max-unparseable %s; the raw answers are in %s", unparseable, bodies.size(), maxUnparseable.text(), run.file(RATINGS));
      }
    }
    if (failure != null) throw new UserException(failure, ExitCodes.DATA);
    return result;
  }

  /** Writes a rating sheet (one row per response) for people to fill in the {@code rating} column. */
  public static int exportSheet(Path prompts, List<Responses> models, Path sheet, boolean force) throws IOException {
    if (!force && Files.exists(sheet)) throw new UserException(sheet + ": exists; use --force to overwrite it");
    Map<String, String> p = Prompts.read(prompts);
    int[] n = {0};
    AtomicFiles.writeText(
        sheet,
        w -> {
          CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader("item", "id", "model", "prompt", "response", "rating", "rater", "comment").build());
            for (var e : p.entrySet())
              for (Responses m : models) {
                String r = m.byId().get(e.getKey());
                if (r != null) csv.printRecord(++n[0], e.getKey(), m.name(), e.getValue(), r, "", "", "");
              }
          csv.flush();
        });
    return n[0];
  }

  /**
   * Reads filled-in rating sheets: columns {@code id}, {@code rating} (Fail, Pass or Excellent, any
   * case; empty = not rated), optional {@code model} (else {@code defaultModel}) and {@code rater}
   * (else the file name's stem). As {@code sheet import} does, a row whose id is empty or not in {@code
   * prompts}, or that rates a (rater, model, id) already rated, is a bad record (warning, {@code
   * rejects.jsonl}, stop past {@code --max-errors}) and is not counted.
   */
  public static Result sheets(List<Path> sheets, Path prompts, String defaultModel, int bootstrap, RunDir.Options o) throws IOException {
    Map<String, String> known = Prompts.read(prompts);
    try (RunDir run = RunDir.open(o)) {
      run.input(prompts);
      sheets.forEach(run::input);
      run.config("bootstrap", bootstrap);
      List<Rated> rated = new ArrayList<>();
      java.util.Set<String> seen = new java.util.HashSet<>();
      int unlabelled = 0;
      try (JsonlWriter w = run.jsonl(RATINGS)) {
        for (Path s : sheets) {
          if (!Files.isRegularFile(s)) throw new UserException(s + ": no such file");
          try (Reader r = Files.newBufferedReader(s, StandardCharsets.UTF_8);
              CSVParser csv = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            for (String h : List.of("id", "rating"))
              if (!csv.getHeaderMap().containsKey(h)) throw new lima.core.BadInputException(s + ":1: expected a header with column \"" + h + "\", got " + csv.getHeaderNames());
            for (CSVRecord rec : csv) {
              String where = s + ": row " + rec.getRecordNumber();
              String id = rec.get("id").trim();
              if (id.isEmpty()) {
                run.badRecord(where, "the id is empty", rec.toString());
                continue;
              }
              if (!known.containsKey(id)) {
                run.badRecord(where, "id \"" + id + "\" is not a prompt of " + prompts, rec.toString());
                continue;
              }
              String v = rec.get("rating").trim();
              if (v.isEmpty()) {
                unlabelled++;
                continue;
              }
              Rating rt = Rating.parse(v);
              if (rt == null) {
                run.badRecord(where, "rating \"" + v + "\" is not one of Fail, Pass, Excellent", rec.toString());
                continue;
              }
              String model = rec.isMapped("model") && !rec.get("model").isBlank() ? rec.get("model").trim() : defaultModel;
              String rater = rec.isMapped("rater") && !rec.get("rater").isBlank() ? rec.get("rater").trim() : Responses.stem(s);
              if (!seen.add(rater + "\u0000" + model + "\u0000" + id)) {
                run.badRecord(where, "rater " + rater + " rated " + model + "'s response to prompt " + id + " twice", rec.toString());
                continue;
              }
              Rated x = new Rated(id, model, rater, rt);
              rated.add(x);
              w.write(Map.of("id", x.id(), "model", model, "rater", rater, "rating", rt.label()));
            }
          }
        }
        w.commit();
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("unlabelled_rows", unlabelled);
      details.put("bad_rows", run.badRecords());
      return finish(run, rated, List.of(), 0, 0, bootstrap, details);
    }
  }

  /** {@code expected}: (model, rater) rows reported even without a rating ("no judgments"). */
  private static Result finish(RunDir run, List<Rated> rated, List<String[]> expected, int unparseable, int failed, int bootstrap, Map<String, Object> details) throws IOException {
    Map<String, List<Rating>> groups = new LinkedHashMap<>();
    for (String[] mr : expected) groups.put(mr[0] + "\u0000" + mr[1], new ArrayList<>());
    for (Rated r : rated) groups.computeIfAbsent(r.model() + "\u0000" + r.rater(), k -> new ArrayList<>()).add(r.rating());
    Bootstrap boot = new Bootstrap(Hashing.key(run.seed(), "bootstrap"), bootstrap);
    List<Report.RatingRow> rows = new ArrayList<>();
    for (var e : groups.entrySet()) {
      String[] mr = e.getKey().split("\u0000", 2);
      List<Rating> l = e.getValue();
      boolean[] f = new boolean[l.size()], p = new boolean[l.size()], x = new boolean[l.size()];
      for (int i = 0; i < l.size(); i++) {
        f[i] = l.get(i) == Rating.FAIL;
        p[i] = l.get(i) == Rating.PASS;
        x[i] = l.get(i) == Rating.EXCELLENT;
      }
      rows.add(new Report.RatingRow(mr[0], mr[1], l.size(), count(f), count(p), count(x), boot.mean(Bootstrap.indicator(f)), boot.mean(Bootstrap.indicator(p)), boot.mean(Bootstrap.indicator(x))));
    }
    details.put("paper", "LIMA 65B on 50 prompts: Fail 12%, Pass 38%, Excellent 50%");
    Report report = new Report("absolute", "absolute ratings", null, rows, null, null, details);
    List<String> outputs = new ArrayList<>(List.of(RATINGS));
    outputs.addAll(ReportWriter.write(run.out(), report));
    run.finish("eval absolute", outputs, null);
    return new Result(rated.size(), unparseable, failed, report);
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean v : b) if (v) n++;
    return n;
  }
}
