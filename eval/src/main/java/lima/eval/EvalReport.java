package lima.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.RunDir;

/** {@code lima eval report}: gathers the reports of several eval runs into one table, JSON and charts. */
public final class EvalReport {
  private EvalReport() {}

  public static Report run(List<Path> runs, String title, RunDir.Options o) throws IOException {
    List<Report> parts = new ArrayList<>();
    for (Path p : runs) parts.add(ReportWriter.read(p));
    try (RunDir run = RunDir.open(o)) {
      List<Map<String, Object>> sources = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        Path p = runs.get(i);
        run.input(p.resolve(ReportWriter.JSON).toFile().isFile() ? p.resolve(ReportWriter.JSON) : p);
        java.nio.file.Path m = p.resolve(RunDir.MANIFEST);
        if (m.toFile().isFile()) run.upstream(m);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("run", p.toString());
        s.put("kind", parts.get(i).kind());
        s.put("title", parts.get(i).title());
        sources.add(s);
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("runs", sources);
      Report merged = Report.merge(title, parts, details);
      run.finish("eval report", ReportWriter.write(run.out(), merged), null);
      return merged;
    }
  }
}
