package lima.eval.experiments;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import lima.eval.Bootstrap.Interval;
import lima.eval.Charts;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The experiments' figures, drawn like the paper's: dev perplexity and judged quality per epoch (Figure
 * 9), the selection table as a curve, helpfulness per data condition (Figures 5 and 6) and turn ratings
 * of dialogues (Figure 7). Every point carries its 95% interval as a vertical bar.
 */
public final class ExperimentCharts {
  static {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  private ExperimentCharts() {}

  static final Color BLUE = new Color(0x1565c0);
  static final Color ORANGE = new Color(0xe65100);

  /** Figure 9: perplexity per checkpoint (left axis) and, when known, judged quality (right axis). */
  public static XYChart perplexity(String title, PerplexityEval.Result r) {
    XYChart c = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(allEpochs(r) ? "epoch" : "checkpoint").yAxisTitle("dev perplexity (assistant tokens)").build();
    style(c);
    List<PerplexityEval.Row> rows = r.rows();
    double[] x = new double[rows.size()], y = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      x[i] = allEpochs(r) ? rows.get(i).epoch() : i + 1;
      y[i] = rows.get(i).perplexity().estimate();
      interval(c, "ppl ci " + i, x[i], rows.get(i).perplexity(), BLUE, 0);
      if (!allEpochs(r)) c.addAnnotation(new AnnotationText(rows.get(i).model(), x[i], y[i], false));
    }
    XYSeries s = c.addSeries("perplexity", x, y);
    s.setLineColor(BLUE);
    s.setMarkerColor(BLUE);
    s.setMarker(SeriesMarkers.CIRCLE);
    if (!r.quality().isEmpty()) {
      double[] qx = new double[r.quality().size()], qy = new double[r.quality().size()];
      for (int i = 0; i < qx.length; i++) {
        qx[i] = r.quality().get(i).epoch();
        qy[i] = r.quality().get(i).score().estimate();
        interval(c, "q ci " + i, qx[i], r.quality().get(i).score(), ORANGE, 1);
      }
      XYSeries q = c.addSeries("judged quality (" + r.qualityJudge() + ")", qx, qy);
      q.setYAxisGroup(1);
      q.setLineColor(ORANGE);
      q.setMarkerColor(ORANGE);
      q.setMarker(SeriesMarkers.DIAMOND);
      c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
      c.setYAxisGroupTitle(1, "judged quality");
    }
    return c;
  }

  /** The selection: score per epoch with intervals; the selected epoch is annotated. */
  public static XYChart selection(String title, CheckpointSelection.Selection s) {
    XYChart c = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("epoch").yAxisTitle(s.criterion().startsWith("likert") ? "helpfulness (1-6)" : "preference vs reference").build();
    style(c);
    List<CheckpointSelection.Candidate> k = s.candidates();
    double[] x = new double[k.size()], y = new double[k.size()];
    for (int i = 0; i < k.size(); i++) {
      x[i] = k.get(i).epoch();
      y[i] = k.get(i).score().estimate();
      interval(c, "ci " + i, x[i], k.get(i).score(), BLUE, 0);
    }
    XYSeries ser = c.addSeries("score (" + s.judge() + ")", x, y);
    ser.setLineColor(BLUE);
    ser.setMarkerColor(BLUE);
    ser.setMarker(SeriesMarkers.CIRCLE);
    c.addAnnotation(new AnnotationText(String.format(Locale.ROOT, "selected: epoch %d", s.selected().epoch()), s.selected().epoch(), s.selected().score().estimate(), false));
    return c;
  }

  static void style(XYChart c) {
    var st = c.getStyler();
    st.setChartBackgroundColor(Color.WHITE);
    st.setLegendPosition(Styler.LegendPosition.OutsideS);
    st.setLegendLayout(Styler.LegendLayout.Horizontal);
    st.setAnnotationTextFontColor(Color.BLACK);
  }

  static void interval(XYChart c, String name, double x, Interval i, Color color, int group) {
    if (i == null || Double.isNaN(i.lo()) || Double.isNaN(i.hi())) return;
    XYSeries bar = c.addSeries(name, new double[] {x, x}, new double[] {i.lo(), Math.max(i.lo() + 1e-9, i.hi())});
    bar.setMarker(SeriesMarkers.NONE);
    bar.setLineColor(color);
    bar.setLineStyle(new BasicStroke(2f));
    bar.setShowInLegend(false);
    bar.setYAxisGroup(group);
  }

  private static boolean allEpochs(PerplexityEval.Result r) {
    return r.rows().stream().allMatch(w -> w.epoch() != null) && r.rows().stream().map(PerplexityEval.Row::epoch).distinct().count() == r.rows().size();
  }

  /** PNG and SVG, atomically (see {@link Charts#save}). */
  public static List<String> save(Chart<?, ?> chart, Path dir, String name) throws IOException {
    return Charts.save(chart, dir, name);
  }
}
