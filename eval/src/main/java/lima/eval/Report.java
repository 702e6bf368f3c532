package lima.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.eval.Bootstrap.Interval;

/**
 * What every {@code lima eval} command reports ({@code report.json}); {@code eval report} reads these
 * back and merges them. Shares are fractions in [0,1]; every interval is a seeded 95% bootstrap
 * interval over prompts.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Report(
    String kind,
    String title,
    List<WtlRow> pairwise,
    List<RatingRow> absolute,
    List<LikertRow> likert,
    List<AgreementRow> agreement,
    Map<String, Object> details) {

  public Report {
    pairwise = pairwise == null ? List.of() : List.copyOf(pairwise);
    absolute = absolute == null ? List.of() : List.copyOf(absolute);
    likert = likert == null ? List.of() : List.copyOf(likert);
    agreement = agreement == null ? List.of() : List.copyOf(agreement);
    details = details == null ? Map.of() : new LinkedHashMap<>(details);
  }

  /** Win / tie / loss of A against B by one rater (or pooled raters). */
  public record WtlRow(String a, String b, String rater, int n, int wins, int ties, int losses, Interval win, Interval tie, Interval loss) {
    public String label() {
      return a + " vs " + b + (rater == null || rater.isEmpty() ? "" : " (" + rater + ")");
    }
  }

  /** Fail / Pass / Excellent shares of one model's responses. */
  public record RatingRow(String model, String rater, int n, int fails, int passes, int excellents, Interval fail, Interval pass, Interval excellent) {}

  /** Mean 1-6 helpfulness of one model: the mean over prompts of each prompt's mean over samples. */
  public record LikertRow(String model, int prompts, int samplesPerPrompt, int scores, int unparseable, Interval mean) {}

  /** Tie-discounted agreement of two raters on the items both labelled. */
  public record AgreementRow(String rater1, String rater2, String kind, int n, Interval agreement) {}

  /** Win/tie/loss with intervals from per-item outcomes (A's side). */
  public static WtlRow wtl(String a, String b, String rater, List<Outcome> items, Bootstrap boot) {
    int n = items.size();
    boolean[] w = new boolean[n], t = new boolean[n], l = new boolean[n];
    int nw = 0, nt = 0, nl = 0;
    for (int i = 0; i < n; i++) {
      switch (items.get(i)) {
        case WIN -> {
          w[i] = true;
          nw++;
        }
        case TIE -> {
          t[i] = true;
          nt++;
        }
        case LOSS -> {
          l[i] = true;
          nl++;
        }
      }
    }
    return new WtlRow(a, b, rater, n, nw, nt, nl, boot.mean(Bootstrap.indicator(w)), boot.mean(Bootstrap.indicator(t)), boot.mean(Bootstrap.indicator(l)));
  }

  /** Merges several reports into one (rows concatenated in the given order). */
  public static Report merge(String title, List<Report> parts, Map<String, Object> details) {
    List<WtlRow> p = new ArrayList<>();
    List<RatingRow> a = new ArrayList<>();
    List<LikertRow> k = new ArrayList<>();
    List<AgreementRow> g = new ArrayList<>();
    for (Report r : parts) {
      p.addAll(r.pairwise());
      a.addAll(r.absolute());
      k.addAll(r.likert());
      g.addAll(r.agreement());
    }
    return new Report("summary", title, p, a, k, g, details);
  }
}
