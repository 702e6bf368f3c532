package lima.train.fit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import lima.core.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The training loss per optimizer step as a PNG (XChart), written atomically. */
public final class LossChart {
  private LossChart() {}

  public static void write(Path png, List<Metrics.Metric> metrics) throws IOException {
    if (metrics.isEmpty()) return;
    System.setProperty("java.awt.headless", "true");
    XYChart chart = new XYChartBuilder().width(800).height(500).title("training loss").xAxisTitle("optimizer step").yAxisTitle("loss").build();
    chart.getStyler().setLegendVisible(false);
    // steps without trained tokens have no loss and are left out
    List<Metrics.Metric> ok = metrics.stream().filter(m -> Double.isFinite(m.loss())).toList();
    if (ok.isEmpty()) return;
    double[] x = new double[ok.size()];
    double[] y = new double[ok.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = ok.get(i).step();
      y[i] = ok.get(i).loss();
    }
    chart.addSeries("loss", x, y).setMarker(SeriesMarkers.NONE);
    byte[] bytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(png, out -> out.write(bytes));
  }
}
