package lima.curate.dedup;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Dedup on the released LIMA training examples: hand-curated, so (almost) free of duplicates. */
@Tag("real-data")
class RealLimaDedupTest {
  @Test
  void releasedSetHasFewDuplicatesAndAPlantedCopyIsFound() throws Exception {
    Path f = TestData.real("data/lima/lima_train_first1000.jsonl");
    Assumptions.assumeTrue(Files.isRegularFile(f), "skipped: " + f + " is absent (../shared/real not available)");
    List<Example> all = new ArrayList<>(ExampleReader.readAll(f));
    int n = all.size();
    Example victim = all.get(123);
    // a copy with a reworded ending: the response loses its last sentence or so, the prompt gains punctuation
    String r = victim.response();
    all.add(Example.of("copy", victim.source(), victim.prompt() + "!!", r.substring(0, (int) (r.length() * 0.95)), null));
    DedupConfig cfg = DedupConfig.defaults();
    try (MinHasher h = new MinHasher(cfg.numHashes(), cfg.shingle())) {
      Clustering c = Dedup.inMemory(all, cfg, h, null, 2).clustering();
      int dropped = 0;
      for (int i = 0; i < n; i++) if (!c.kept(i)) dropped++;
      System.out.println("released LIMA sample: " + n + " examples, " + dropped + " dropped as duplicates, " + c.clusters() + " clusters");
      assertTrue(dropped <= 5, dropped + " of the released examples dropped");
      assertEquals(Clustering.Reason.NEAR_DUPLICATE, c.reason(n), "the planted copy (shorter) is dropped");
      assertEquals(123, c.keptOf(n));
    }
  }
}
