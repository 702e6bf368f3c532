package lima.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import lima.core.RunDir;
import lima.eval.Bootstrap.Interval;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path tmp;

  @Test
  void everySectionRoundTripsAndGathersWithCharts() throws Exception {
    Bootstrap b = new Bootstrap(1, 200);
    var wtl = Report.wtl("lima", "gpt-4", "judge:x", List.of(Outcome.WIN, Outcome.TIE, Outcome.LOSS, Outcome.WIN), b);
    assertEquals(0.5, wtl.win().estimate(), 1e-12);
    Report p = new Report("pairwise", "p", List.of(wtl), null, null, null, Map.of("k", 1));
    Report l = new Report("likert", "l", null, null, List.of(new Report.LikertRow("7b", 10, 5, 50, 0, new Interval(4.2, 3.9, 4.5)), new Report.LikertRow("65b", 10, 5, 49, 1, new Interval(4.8, 4.5, 5.0))), null, null);
    Files.createDirectories(tmp.resolve("p"));
    Files.createDirectories(tmp.resolve("l"));
    ReportWriter.write(tmp.resolve("p"), p);
    ReportWriter.write(tmp.resolve("l"), l);
    assertEquals(p.pairwise(), ReportWriter.read(tmp.resolve("p")).pairwise(), "report.json reads back");
    Report merged = EvalReport.run(List.of(tmp.resolve("p"), tmp.resolve("l")), "all", new RunDir.Options(tmp.resolve("out"), false, 1, -1));
    assertEquals(1, merged.pairwise().size());
    assertEquals(2, merged.likert().size());
    for (String chart : List.of("win-tie-loss", "likert")) {
      BufferedImage img = ImageIO.read(tmp.resolve("out/" + chart + ".png").toFile());
      assertNotNull(img, chart + ".png is a PNG");
      assertTrue(img.getWidth() >= 600 && img.getHeight() >= 200);
      String svg = Files.readString(tmp.resolve("out/" + chart + ".svg"));
      assertTrue(svg.contains("<svg"), chart + ".svg is SVG");
    }
    String md = Files.readString(tmp.resolve("out/report.md"));
    assertTrue(md.contains("| lima | gpt-4 | judge:x | 4 | 50.0%"), md);
    assertTrue(md.contains("| 65b | 10 | 5 | 49 | 1 | 4.80 [4.50, 5.00] |"), md);
  }

  @Test
  void aFolderWithoutAReportIsAClearError() {
    var e = assertThrows(lima.core.UserException.class, () -> ReportWriter.read(tmp));
    assertTrue(e.getMessage().contains("no report.json"));
  }

  /** True when the outermost {@code margin} pixels of the image are all background (nothing cut off at an edge). */
  static boolean clearEdges(BufferedImage img, int margin) {
    int bg = img.getRGB(0, 0);
    for (int x = 0; x < img.getWidth(); x++)
      for (int y = 0; y < img.getHeight(); y++)
        if ((x < margin || y < margin || x >= img.getWidth() - margin || y >= img.getHeight() - margin) && img.getRGB(x, y) != bg) return false;
    return true;
  }

  @Test
  void absoluteAndAgreementChartsShowIntervalsAndFitLongNames() throws Exception {
    Bootstrap b = new Bootstrap(1, 500);
    List<Report.RatingRow> rows = new java.util.ArrayList<>();
    String[] models = {"lima-65b-final", "alpaca-65b-baseline", "davinci003", "claude-v1.3-judged", "gpt-4-reference-model"};
    for (int i = 0; i < 5; i++) {
      boolean[] f = new boolean[20], p = new boolean[20], x = new boolean[20];
      for (int k = 0; k < 20; k++) {
        if (k < 2 + i) f[k] = true;
        else if (k < 10) p[k] = true;
        else x[k] = true;
      }
      rows.add(new Report.RatingRow(models[i], "judge:gpt-4o-2024-08-06", 20, 2 + i, 8 - i, 10, b.mean(Bootstrap.indicator(f)), b.mean(Bootstrap.indicator(p)), b.mean(Bootstrap.indicator(x))));
    }
    String[] raters = {"alice", "bob", "judge:gpt-4o-2024-08-06", "carol-the-crowd-worker"};
    List<Report.AgreementRow> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < raters.length; i++)
      for (int j = i + 1; j < raters.length; j++) pairs.add(new Report.AgreementRow(raters[i], raters[j], Agreement.kind(raters[i], raters[j]), 12, b.mean(new double[] {1, 0.5, 1, 0, 1, 1})));
    Path dir = tmp.resolve("charts");
    ReportWriter.write(dir, new Report("summary", "t", null, rows, null, pairs, null));
    BufferedImage abs = ImageIO.read(dir.resolve("absolute.png").toFile());
    assertTrue(clearEdges(abs, 3), "the absolute chart's legend of 5 long names fits inside the image");
    ReportWriter.write(tmp.resolve("one"), new Report("absolute", "t", null, rows.subList(0, 1), null, null, null));
    assertTrue(abs.getHeight() >= ImageIO.read(tmp.resolve("one/absolute.png").toFile()).getHeight() + 4 * 20, "the legend has a line per row");
    BufferedImage agr = ImageIO.read(dir.resolve("agreement.png").toFile());
    assertTrue(clearEdges(agr, 3));
    assertTrue(agr.getHeight() >= 70 * pairs.size(), "one row per pair, its label above its bar");
    Interval iv = pairs.get(0).agreement();
    assertTrue(iv.lo() < iv.estimate() && iv.estimate() < iv.hi());
  }
}
