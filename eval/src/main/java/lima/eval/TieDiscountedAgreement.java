package lima.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The paper's agreement between two raters on the items both labelled: 1 point when their labels are
 * equal, 0.5 when exactly one of them said tie, 0 otherwise (one said win, the other loss); the
 * score is the mean over shared items.
 */
public final class TieDiscountedAgreement {
  private TieDiscountedAgreement() {}

  /** Points for one item. */
  public static double points(Outcome x, Outcome y) {
    if (x == y) return 1.0;
    if (x == Outcome.TIE || y == Outcome.TIE) return 0.5;
    return 0.0;
  }

  /** Per-item points over the ids both maps hold, in {@code x}'s order. */
  public static double[] shared(Map<String, Outcome> x, Map<String, Outcome> y) {
    List<Double> pts = new ArrayList<>();
    for (var e : x.entrySet()) {
      Outcome o = y.get(e.getKey());
      if (o != null) pts.add(points(e.getValue(), o));
    }
    double[] d = new double[pts.size()];
    for (int i = 0; i < d.length; i++) d[i] = pts.get(i);
    return d;
  }

  /** The mean agreement, NaN when no item is shared. */
  public static double score(Map<String, Outcome> x, Map<String, Outcome> y) {
    double[] p = shared(x, y);
    if (p.length == 0) return Double.NaN;
    double s = 0;
    for (double v : p) s += v;
    return s / p.length;
  }
}
