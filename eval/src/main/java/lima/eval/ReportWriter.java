package lima.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lima.core.AtomicFiles;
import lima.core.Json;
import lima.eval.Bootstrap.Interval;

/** Writes a {@link Report} as {@code report.json}, a readable {@code report.md} and its charts (PNG + SVG). */
public final class ReportWriter {
  private ReportWriter() {}

  public static final String JSON = "report.json";
  public static final String MD = "report.md";

  /** Writes everything; returns the file names written (for the manifest). */
  public static List<String> write(Path dir, Report r) throws IOException {
    Files.createDirectories(dir);
    List<String> files = new ArrayList<>();
    AtomicFiles.write(dir.resolve(JSON), out -> Json.PRETTY.writeValue(out, r));
    files.add(JSON);
    if (!r.pairwise().isEmpty()) files.addAll(Charts.save(Charts.winTieLoss(r.title() + ": win / tie / loss", r.pairwise()), dir, "win-tie-loss"));
    if (!r.absolute().isEmpty()) files.addAll(Charts.save(Charts.absolute(r.title() + ": Fail / Pass / Excellent", r.absolute()), dir, "absolute"));
    if (!r.likert().isEmpty()) files.addAll(Charts.save(Charts.likert(r.title() + ": helpfulness (1-6)", r.likert()), dir, "likert"));
    if (!r.agreement().isEmpty()) files.addAll(Charts.save(Charts.agreement(r.title() + ": agreement", r.agreement()), dir, "agreement"));
    AtomicFiles.writeString(dir.resolve(MD), markdown(r));
    files.add(MD);
    return files;
  }

  /** Reads a report.json (or {@code DIR/report.json}). */
  public static Report read(Path fileOrDir) throws IOException {
    Path f = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(JSON) : fileOrDir;
    if (!Files.isRegularFile(f)) throw new lima.core.UserException(f + ": no report.json here (is it a lima eval output folder?)");
    try {
      return Json.MAPPER.readValue(f.toFile(), Report.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new lima.core.BadInputException(f + ": not a lima eval report (" + e.getOriginalMessage() + ")");
    }
  }

  /** What a report says for a statistic over no items. */
  public static final String NO_JUDGMENTS = "no judgments";

  /** A share and its interval in percent, or "no judgments" when there was nothing to count. */
  public static String pct(Interval i) {
    return i == null ? NO_JUDGMENTS : String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f]", 100 * i.estimate(), 100 * i.lo(), 100 * i.hi());
  }

  /** A 1-6 mean and its interval, or "no judgments". */
  public static String mean(Interval i) {
    return i == null ? NO_JUDGMENTS : String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", i.estimate(), i.lo(), i.hi());
  }

  public static String markdown(Report r) {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(r.title()).append("\n\n");
    sb.append("Intervals are seeded 95% percentile-bootstrap intervals over prompts (see docs/eval.md).\n\n");
    if (!r.pairwise().isEmpty()) {
      sb.append("## Win / tie / loss (A against B)\n\n![win/tie/loss](win-tie-loss.png)\n\n");
      sb.append("| A | B | rater | n | A wins | tie | A loses |\n|---|---|---|---:|---|---|---|\n");
      for (var w : r.pairwise())
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %s |%n", w.a(), w.b(), w.rater(), w.n(), pct(w.win()), pct(w.tie()), pct(w.loss())));
      sb.append('\n');
    }
    if (!r.absolute().isEmpty()) {
      sb.append("## Fail / Pass / Excellent\n\n![absolute](absolute.png)\n\n");
      sb.append("| model | rater | n | Fail | Pass | Excellent |\n|---|---|---:|---|---|---|\n");
      for (var a : r.absolute())
        sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n", a.model(), a.rater(), a.n(), pct(a.fail()), pct(a.pass()), pct(a.excellent())));
      sb.append('\n');
    }
    if (!r.likert().isEmpty()) {
      sb.append("## Helpfulness (1-6)\n\n![likert](likert.png)\n\n");
      sb.append("| model | prompts | samples/prompt | scores | unparseable | mean [95% interval] |\n|---|---:|---:|---:|---:|---|\n");
      for (var k : r.likert())
        sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s |%n", k.model(), k.prompts(), k.samplesPerPrompt(), k.scores(), k.unparseable(), mean(k.mean())));
      sb.append('\n');
    }
    if (!r.agreement().isEmpty()) {
      sb.append("## Agreement (tie-discounted accuracy)\n\n![agreement](agreement.png)\n\n");
      sb.append("| rater 1 | rater 2 | kind | shared items | agreement |\n|---|---|---|---:|---|\n");
      for (var g : r.agreement())
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s |%n", g.rater1(), g.rater2(), g.kind(), g.n(), pct(g.agreement())));
      sb.append('\n');
    }
    if (!r.details().isEmpty()) {
      sb.append("## Details\n\n");
      for (Map.Entry<String, Object> e : r.details().entrySet()) {
        Object v = e.getValue();
        String s;
        try {
          s = v instanceof String str ? str : Json.MAPPER.writeValueAsString(v);
        } catch (IOException ex) {
          s = String.valueOf(v);
        }
        sb.append("- **").append(e.getKey()).append("**: ").append(s).append('\n');
      }
    }
    return sb.toString();
  }
}
