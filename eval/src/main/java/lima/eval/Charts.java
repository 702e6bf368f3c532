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
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
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
    int height = 140 + 70 * n;
    XYChart c = new XYChartBuilder().width(900).height(height).title(title).xAxisTitle("share of prompts (%)").build();
    var s = c.getStyler();
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotGridLinesVisible(false);
    s.setXAxisMin(0.0);
    s.setXAxisMax(100.0);
    s.setYAxisMin(-0.6);
    s.setYAxisMax(n - 0.2);
    s.setYAxisTicksVisible(false);
    s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    s.setAnnotationTextFontColor(Color.BLACK);
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
      c.addAnnotation(new AnnotationText(r.label() + "  (n=" + r.n() + ")", 50, y + 0.42, false));
    }
    return c;
  }

  /** Figure 3: Fail / Pass / Excellent shares, one bar group per model. */
  public static CategoryChart absolute(String title, List<Report.RatingRow> rows) {
    CategoryChart c = new CategoryChartBuilder().width(800).height(500).title(title).yAxisTitle("share of responses (%)").build();
    var s = c.getStyler();
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setChartBackgroundColor(Color.WHITE);
    s.setYAxisMin(0.0);
    s.setYAxisMax(100.0);
    s.setLabelsVisible(true);
    s.setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    List<String> cats = List.of("Fail", "Pass", "Excellent");
    for (Report.RatingRow r : rows) {
      double d = Math.max(1, r.n());
      String name = r.model() + (r.rater() == null || r.rater().isEmpty() ? "" : " (" + r.rater() + ")");
      c.addSeries(name + " n=" + r.n(), cats, List.of(round1(100 * r.fails() / d), round1(100 * r.passes() / d), round1(100 * r.excellents() / d)));
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
    return c;
  }

  /** Agreement per rater pair, in percent. */
  public static CategoryChart agreement(String title, List<Report.AgreementRow> rows) {
    CategoryChart c = new CategoryChartBuilder().width(Math.max(700, 160 * rows.size() + 200)).height(500).title(title).yAxisTitle("tie-discounted agreement (%)").build();
    var s = c.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setLegendVisible(false);
    s.setYAxisMin(0.0);
    s.setYAxisMax(100.0);
    s.setLabelsVisible(true);
    List<String> cats = new ArrayList<>();
    List<Number> vals = new ArrayList<>();
    for (Report.AgreementRow r : rows) {
      cats.add(r.rater1() + " / " + r.rater2() + " (n=" + r.n() + ")");
      vals.add(round1(100 * r.agreement().estimate()));
    }
    c.addSeries("agreement", cats, vals);
    return c;
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
