package lima.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.Hashing;
import lima.core.RunDir;

/**
 * {@code lima eval agreement}: tie-discounted accuracy between every pair of raters (people and
 * judges alike; a judge's rater name starts with {@code judge:}) on the prompts both labelled.
 * Labels are aligned to one A/B orientation per prompt first, so files that swapped A and B compare
 * correctly.
 */
public final class Agreement {
  private Agreement() {}

  public record Result(List<String> raters, Report report) {}

  public static Result run(List<Path> labelFiles, RunDir.Options o, int bootstrap) throws IOException {
    Map<String, Map<String, Outcome>> byRater = new LinkedHashMap<>();
    Map<String, String[]> orientation = new LinkedHashMap<>();
    List<Labels> all = new ArrayList<>();
    for (Path f : labelFiles) all.addAll(Labels.read(f));
    for (Labels l : all) {
      String[] ab = orientation.computeIfAbsent(l.id(), k -> new String[] {l.a(), l.b()});
      Outcome v = l.label();
      if (!l.a().equals(ab[0]) && l.a().equals(ab[1]) && l.b().equals(ab[0])) v = v.flip();
      Outcome prev = byRater.computeIfAbsent(l.rater(), k -> new LinkedHashMap<>()).put(l.id(), v);
      if (prev != null) throw new BadInputException("rater " + l.rater() + " has two labels for prompt " + l.id() + " in " + labelFiles);
    }
    try (RunDir run = RunDir.open(o)) {
      labelFiles.forEach(run::input);
      run.config("bootstrap", bootstrap);
      List<String> raters = new ArrayList<>(byRater.keySet());
      List<Report.AgreementRow> rows = new ArrayList<>();
      Map<String, List<Double>> byKind = new LinkedHashMap<>();
      List<String> noOverlap = new ArrayList<>();
      for (int i = 0; i < raters.size(); i++)
        for (int j = i + 1; j < raters.size(); j++) {
          String x = raters.get(i), y = raters.get(j);
          double[] pts = TieDiscountedAgreement.shared(byRater.get(x), byRater.get(y));
          if (pts.length == 0) {
            noOverlap.add(x + " / " + y);
            continue;
          }
          String kind = kind(x, y);
          Bootstrap boot = new Bootstrap(Hashing.key(run.seed(), "agreement:" + x + "/" + y), bootstrap);
          Report.AgreementRow row = new Report.AgreementRow(x, y, kind, pts.length, boot.mean(pts));
          rows.add(row);
          byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(row.agreement().estimate());
        }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("raters", raters);
      Map<String, Object> kinds = new LinkedHashMap<>();
      byKind.forEach((k, v) -> kinds.put(k, Map.of("pairs", v.size(), "mean_agreement", PairwiseEval.round(v.stream().mapToDouble(d -> d).average().orElse(0)))));
      details.put("mean_by_kind", kinds);
      if (!noOverlap.isEmpty()) details.put("pairs_without_shared_items", noOverlap);
      details.put("scoring", "1 when the labels are equal, 0.5 when exactly one is tie, 0 otherwise; mean over shared prompts");
      details.put("paper", "crowd-crowd 82%, crowd-author 81%, author-author 78%, judge-human 78-79%");
      Report report = new Report("agreement", "rater agreement", null, null, null, rows, details);
      run.finish("eval agreement", ReportWriter.write(run.out(), report), null);
      return new Result(raters, report);
    }
  }

  static String kind(String x, String y) {
    boolean jx = x.startsWith("judge:"), jy = y.startsWith("judge:");
    return jx && jy ? "judge-judge" : jx || jy ? "human-judge" : "human-human";
  }
}
