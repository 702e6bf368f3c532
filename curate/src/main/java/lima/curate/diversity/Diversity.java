package lima.curate.diversity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lima.core.ExampleReader;
import lima.core.RunDir;
import lima.core.StageDriver;
import lima.curate.dedup.Dedup;

/** {@code lima curate diversity FILE --out DIR}: the {@link DiversityReport} of one dataset as a run folder. */
public final class Diversity {
  private Diversity() {}

  /** Returns the report, or null when --if-changed found the folder up to date. */
  public static DiversityReport run(Path file, RunDir.Options options, int threads, boolean ifChanged) throws IOException {
    Dedup.Input in = Dedup.resolve(file);
    return StageDriver.run(
        new StageDriver.Spec("curate diversity", Map.of("max_pairs", DiversityReport.MAX_PAIRS), List.of(in.examples()), List.of("diversity.json", "diversity.md")),
        options,
        ifChanged,
        () -> null,
        run -> {
          if (in.manifest() != null && Files.isRegularFile(in.manifest())) run.upstream(in.manifest());
          DiversityReport r = DiversityReport.of(ExampleReader.readAll(in.examples()), options.seed(), threads);
          r.write(run.out(), in.examples().toString());
          run.stats().add("diversity", "examples", r.count());
          run.stats().add("diversity", "duplicate_clusters", r.duplicateClusters());
          return r;
        });
  }
}
