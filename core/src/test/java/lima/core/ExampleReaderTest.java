package lima.core;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleReaderTest {
  @TempDir Path tmp;

  @Test
  void roundTripsOurFormatInLimaFieldOrder() throws Exception {
    Path f = tmp.resolve("ex.jsonl");
    try (JsonlWriter w = new JsonlWriter(f)) {
      w.write(Example.of("se-1", "stackexchange", "Q?", "A \u00e9 \ud83d\udea8", Map.of("z", 1, "a", "x")));
      w.commit();
    }
    String line = Files.readString(f);
    assertTrue(line.startsWith("{\"conversations\":[\"Q?\",\"A"), line);
    assertTrue(line.indexOf("\"a\"") < line.indexOf("\"z\""), "meta keys sorted: " + line);
    Example e = ExampleReader.readAll(f).get(0);
    assertEquals("se-1", e.id());
    assertEquals("A \u00e9 \ud83d\udea8", e.response());
    assertEquals(1, e.meta().get("z"));
  }

  @Test
  void badLineNamesFileAndLine() throws Exception {
    Path f = tmp.resolve("bad.jsonl");
    Files.writeString(f, "{\"conversations\":[\"a\",\"b\"]}\n{\"conversations\": 5}\n{oops\n");
    BadInputException e = assertThrows(BadInputException.class, () -> ExampleReader.readAll(f));
    assertTrue(e.getMessage().startsWith(f + ":2: "), e.getMessage());
    List<String> bad = new ArrayList<>();
    try (ExampleReader r = new ExampleReader(f, (file, line, reason, text) -> bad.add(line + " " + reason))) {
      assertEquals(1, r.stream().count());
    }
    assertEquals(2, bad.size());
    assertTrue(bad.get(1).startsWith("3 "), bad.toString());
  }

  @Test
  @Tag("real-data")
  void readsTheReleasedLimaTrainingFile() throws Exception {
    Path f = TestData.real("data/lima/lima_train_first1000.jsonl");
    Assumptions.assumeTrue(Files.isRegularFile(f), "skipped: " + f + " not present (../shared/real is not beside the project)");
    SourceStats s = new SourceStats(null);
    List<Example> all = ExampleReader.readAll(f);
    all.forEach(s::add);
    assertEquals(1000, all.size());
    assertEquals(400, s.rows().get("stackexchange").count());
    // Figures from lima_train_first1000_stats.txt (chars and whitespace words).
    assertEquals(307.1, s.rows().get("stackexchange").avgInputChars(), 0.05);
    assertEquals(7004.6, s.rows().get("wikihow").avgOutputChars(), 0.05);
    assertEquals(191.0, s.rows().get("writingprompts").avgOutputWords(), 0.05);
    assertEquals("lima_train_first1000-1", all.get(0).id());
  }
}
