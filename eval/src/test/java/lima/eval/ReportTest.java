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
}
