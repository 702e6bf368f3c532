package lima.curate.stackexchange;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real dump fragments from 2015 to 2024 (../shared/real/data/stackexchange). */
@Tag("real-data")
class StackExchangeRealDataTest {
  @TempDir Path tmp;

  static Path dir() {
    Path d = TestData.real("data/stackexchange");
    Assumptions.assumeTrue(Files.isDirectory(d), "skipped: real Stack Exchange fragments not found at " + d);
    return d;
  }

  @Test
  void everyFragmentParsesCleanly() throws Exception {
    for (String f :
        List.of(
            "coffee.stackexchange.com_2015_Posts.fragment.xml",
            "beer.stackexchange.com_2017_Posts.fragment.xml",
            "music.meta.stackexchange.com_2018_Posts.fragment.xml",
            "datascience.meta.stackexchange.com_2024_Posts.fragment.xml")) {
      Fixtures.Read r = Fixtures.readAll(Files.readAllBytes(dir().resolve(f)));
      assertEquals(List.of(), r.bad(), f);
      assertFalse(r.posts().isEmpty(), f);
      for (Post p : r.posts()) {
        assertTrue(p.id() > 0, f);
        if (p.isQuestion()) assertFalse(p.tags().isEmpty(), f + " question " + p.id() + " has tags");
        if (p.isAnswer()) assertTrue(p.parentId() > 0, f);
        if (p.body() != null && (p.isQuestion() || p.isAnswer())) assertTrue(p.body().startsWith("<"), f + " " + p.id() + ": bodies come unescaped, as HTML");
      }
    }
  }

  @Test
  void curatesTheFragmentsFolder() throws Exception {
    Path out = tmp.resolve("real");
    var r = StackExchangeCurator.run(StackExchangeConfig.defaults(), List.of(dir()), new RunDir.Options(out, false, 42, -1), false);
    assertEquals(0, r.badRecords());
    var stats = Json.MAPPER.readTree(out.resolve(RunDir.STATS).toFile());
    assertEquals(4, stats.at("/input/files").asInt());
    assertTrue(stats.at("/site/site_excluded").asInt() > 0, "meta sites are excluded");
    List<Example> ex = ExampleReader.readAll(out.resolve(RunDir.EXAMPLES));
    assertFalse(ex.isEmpty());
    for (Example e : ex) {
      assertTrue(e.response().length() >= 1200 && e.response().length() <= 4096, e.id());
      assertFalse(((String) e.meta().get("site")).contains("meta"), e.id());
      assertTrue(((Number) e.meta().get("answer_score")).intValue() >= 10, e.id());
    }
  }
}
