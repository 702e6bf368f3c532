package lima.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lima.core.AtomicFiles;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report charts, drawn with XChart and saved as PNG and SVG: win/tie/loss stacked horizontal bars
 * (the paper's Figure 1), Fail/Pass/Excellent bars (Figure 3), helpfulness means with their intervals
 * (the ablation figures) and agreement per rater pair. XChart has no horizontal category bars, so the
 * Figure 1 bars are thick line segments on an XY chart, one per outcome per row.
 */
public final class Charts {
  static {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  // Light enough for black percentages on top.
  static final Color WIN = new Color(0x66bb6a);
  static final Color TIE = new Color(0xcfcfcf);
  static final Color LOSS = new Color(0xef6c6c);

  /** Figure 1: one stacked bar per row, win (left) / tie / loss (right), shares in percent. */
  public static XYChart winTieLoss(String title, List<Report.WtlRow> rows) {
    int n = rows.size();
    XYChart c = percentRows(title, "share of prompts (%)", n);
    var s = c.getStyler();
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    String[] names = {"A wins", "tie", "A loses"};
    Color[] colors = {WIN, TIE, LOSS};
    float thickness = Math.max(18f, Math.min(40f, 300f / Math.max(1, n)));
    for (int i = 0; i < n; i++) {
      Report.WtlRow r = rows.get(i);
      double y = n - 1 - i;
      double[] shares = {100.0 * r.wins() / Math.max(1, r.n()), 100.0 * r.ties() / Math.max(1, r.n()), 100.0 * r.losses() / Math.max(1, r.n())};
      double x0 = 0;
      for (int k = 0; k < 3; k++) {
        double x1 = x0 + shares[k];
        String name = i == 0 ? names[k] : names[k] + " #" + i;
        XYSeries ser = c.addSeries(name, new double[] {x0, Math.max(x0 + 1e-6, x1)}, new double[] {y, y});
        ser.setMarker(SeriesMarkers.NONE);
        ser.setLineColor(colors[k]);
        ser.setLineStyle(new BasicStroke(thickness, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        ser.setShowInLegend(i == 0);
        if (shares[k] >= 7) c.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "%.0f%%", shares[k]), (x0 + x1) / 2, y, false));
        x0 = x1;
      }
      String share = r.n() == 0 ? ReportWriter.NO_JUDGMENTS : "A wins " + ReportWriter.pct(r.win());
      c.addAnnotation(new AnnotationText(r.label() + "  (n=" + r.n() + "; " + share + ")", 50, y + 0.42, false));
    }
    return c;
  }

  /**
   * Figure 3: Fail / Pass / Excellent shares, one bar per (model, rater) in each category, each with its
   * 95% interval as a black whisker. Bars are thick vertical segments on an XY chart (XChart's category
   * bars take symmetric error bars only). The legend is one line per row, below the plot, so long names
   * and many rows are never cut off.
   */
  public static XYChart absolute(String title, List<Report.RatingRow> rows) {
    int m = Math.max(1, rows.size());
    int width = Math.max(800, 200 + 60 * 3 * m);
    XYChart c = new XYChartBuilder().width(width).height(520 + 24 * m).title(title).yAxisTitle("share of responses (%), with 95% interval").build();
    var s = c.getStyler();
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Vertical);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotGridVerticalLinesVisible(false);
    s.setXAxisMin(-0.6);
    s.setXAxisMax(2.6);
    s.setYAxisMin(0.0);
    s.setYAxisMax(115.0);
    s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setAnnotationTextFontColor(Color.BLACK);
    String[] cats = {"Fail", "Pass", "Excellent"};
    // Category names over each group (XChart's numeric axis has no category ticks).
    s.setXAxisTicksVisible(false);
    for (int k = 0; k < 3; k++) c.addAnnotation(new AnnotationText(cats[k], k, 110, false));
    double w = 0.8 / m;
    float thickness = (float) Math.max(4, (width - 160) / 3.2 * w * 0.8);
    for (int i = 0; i < rows.size(); i++) {
      Report.RatingRow r = rows.get(i);
      String name = r.model() + (r.rater() == null || r.rater().isEmpty() ? "" : " (" + r.rater() + ")") + (r.n() == 0 ? ": " + ReportWriter.NO_JUDGMENTS : ", n=" + r.n());
      Color color = PALETTE[i % PALETTE.length];
      Bootstrap.Interval[] iv = {r.fail(), r.pass(), r.excellent()};
      double[] xs = new double[3];
      for (int k = 0; k < 3; k++) xs[k] = k - 0.4 + w * (i + 0.5);
      // The legend entry: an invisible point carrying the row's colour.
      XYSeries key = c.addSeries(name, new double[] {xs[0]}, new double[] {-50});
      key.setMarker(SeriesMarkers.SQUARE);
      key.setMarkerColor(color);
      key.setLineStyle(new BasicStroke(0f));
      key.setLineColor(color);
      for (int k = 0; k < 3; k++) {
        if (iv[k] == null) continue;
        double est = 100 * iv[k].estimate();
        XYSeries bar = c.addSeries(name + " " + cats[k], new double[] {xs[k], xs[k]}, new double[] {0, Math.max(1e-6, est)});
        bar.setMarker(SeriesMarkers.NONE);
        bar.setLineColor(color);
        bar.setLineStyle(new BasicStroke(thickness, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        bar.setShowInLegend(false);
        whisker(c, name + " " + cats[k] + " ci", xs[k], xs[k], 100 * iv[k].lo(), 100 * iv[k].hi());
        c.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "%.0f%%", est), xs[k], Math.min(101, 100 * iv[k].hi() + 2.5), false));
      }
    }
    return c;
  }

  /** Ablation figure: mean 1-6 helpfulness per model with its 95% interval. */
  public static XYChart likert(String title, List<Report.LikertRow> rows) {
    int n = rows.size();
    XYChart c = new XYChartBuilder().width(Math.max(600, 140 * n + 200)).height(500).title(title).yAxisTitle("helpfulness (1-6), mean and 95% interval").build();
    var s = c.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setLegendVisible(false);
    s.setXAxisMin(-0.6);
    s.setXAxisMax(n - 0.4);
    s.setYAxisMin(1.0);
    s.setYAxisMax(6.0);
    s.setXAxisTicksVisible(false);
    s.setAnnotationTextFontColor(Color.BLACK);
    for (int i = 0; i < n; i++) {
      Report.LikertRow r = rows.get(i);
      if (r.mean() == null) {
        c.addAnnotation(new AnnotationText(r.model() + ": " + ReportWriter.NO_JUDGMENTS, i, 3.5, false));
        continue;
      }
      XYSeries bar = c.addSeries("ci " + i, new double[] {i, i}, new double[] {r.mean().lo(), Math.max(r.mean().lo() + 1e-6, r.mean().hi())});
      bar.setMarker(SeriesMarkers.NONE);
      bar.setLineColor(new Color(0x1565c0));
      bar.setLineStyle(new BasicStroke(3f));
      XYSeries pt = c.addSeries("mean " + i, new double[] {i}, new double[] {r.mean().estimate()});
      pt.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      pt.setMarker(SeriesMarkers.CIRCLE);
      pt.setMarkerColor(Color.BLACK);
      c.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "%s: %.2f", r.model(), r.mean().estimate()), i, Math.max(1.15, r.mean().lo() - 0.2), false));
    }
    // XChart draws nothing (and fails) on an XY chart without a series.
    if (c.getSeriesMap().isEmpty()) c.addSeries("none", new double[] {0}, new double[] {1}).setMarker(SeriesMarkers.NONE);
    return c;
  }

  /**
   * Agreement per rater pair, in percent: one horizontal bar per pair with its 95% interval as a black
   * whisker and the pair's name written above its bar (so long names never overlap).
   */
  public static XYChart agreement(String title, List<Report.AgreementRow> rows) {
    int n = rows.size();
    XYChart c = percentRows(title, "tie-discounted agreement (%), with 95% interval", n);
    c.getStyler().setLegendVisible(false);
    float thickness = Math.max(14f, Math.min(30f, 240f / Math.max(1, n)));
    for (int i = 0; i < n; i++) {
      Report.AgreementRow r = rows.get(i);
      double y = n - 1 - i;
      String label = r.rater1() + " / " + r.rater2() + " (" + r.kind() + ", n=" + r.n() + "): " + ReportWriter.pct(r.agreement());
      c.addAnnotation(new AnnotationText(label, 50, y + 0.4, false));
      if (r.agreement() == null) continue;
      XYSeries bar = c.addSeries("pair " + i, new double[] {0, Math.max(1e-6, 100 * r.agreement().estimate())}, new double[] {y, y});
      bar.setMarker(SeriesMarkers.NONE);
      bar.setLineColor(new Color(0x90caf9));
      bar.setLineStyle(new BasicStroke(thickness, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
      whisker(c, "ci " + i, 100 * r.agreement().lo(), 100 * r.agreement().hi(), y, y);
    }
    if (c.getSeriesMap().isEmpty()) c.addSeries("none", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
    return c;
  }

  /**
   * The frame of a chart of {@code n} horizontal rows on a 0-100% axis (Figure 1, agreement): 900 pixels
   * wide, 70 per row, no grid, no y ticks (each row is labelled by an annotation above its bar).
   */
  private static XYChart percentRows(String title, String xAxisTitle, int n) {
    XYChart c = new XYChartBuilder().width(900).height(140 + 70 * n).title(title).xAxisTitle(xAxisTitle).build();
    var s = c.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotGridLinesVisible(false);
    s.setXAxisMin(0.0);
    s.setXAxisMax(100.0);
    s.setYAxisMin(-0.6);
    s.setYAxisMax(n - 0.2);
    s.setYAxisTicksVisible(false);
    s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setAnnotationTextFontColor(Color.BLACK);
    return c;
  }

  static final Color[] PALETTE = {new Color(0x1e88e5), new Color(0xfb8c00), new Color(0x43a047), new Color(0x8e24aa), new Color(0xe53935), new Color(0x00897b), new Color(0x6d4c41), new Color(0x546e7a)};

  /** A thin black interval line from (x0, y0) to (x1, y1), not in the legend. */
  private static void whisker(XYChart c, String name, double x0, double x1, double y0, double y1) {
    boolean vertical = x0 == x1;
    XYSeries ci = c.addSeries(name, new double[] {x0, vertical ? x1 : Math.max(x0 + 1e-6, x1)}, new double[] {y0, vertical ? Math.max(y0 + 1e-6, y1) : y1});
    ci.setMarker(SeriesMarkers.NONE);
    ci.setLineColor(Color.BLACK);
    ci.setLineStyle(new BasicStroke(1.6f));
    ci.setShowInLegend(false);
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Writes {@code dir/name.png} and {@code dir/name.svg} atomically; returns the two file names. */
  public static List<String> save(Chart<?, ?> chart, Path dir, String name) throws IOException {
    AtomicFiles.write(dir.resolve(name + ".png"), out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    AtomicFiles.write(dir.resolve(name + ".svg"), out -> VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
    return List.of(name + ".png", name + ".svg");
  }
}
