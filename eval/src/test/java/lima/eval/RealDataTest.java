package lima.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.TestData;
import org.apache.commons.csv.CSVFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealDataTest {
  @TempDir Path tmp;

  @Test
  @Tag("real-data")
  void releasedLimaFileAsPromptsAndAsResponsesRoundTripsThroughASheet() throws Exception {
    Path f = TestData.real("data/lima/lima_train_first1000.jsonl");
    Assumptions.assumeTrue(Files.isRegularFile(f), "skipped: " + f + " not present (../shared/real is not beside the project)");
    // The released file without ids: prompts get <stem>-<line>; the same file read as responses
    // (conversations[1]) must get the same ids, so it pairs with itself on every line.
    Map<String, String> prompts = Prompts.read(f);
    assertEquals(1000, prompts.size());
    assertTrue(prompts.containsKey("lima_train_first1000-1"));
    StringBuilder gen = new StringBuilder();
    var all = ExampleReader.readAll(f);
    for (var e : all) gen.append(Json.MAPPER.writeValueAsString(Map.of("id", e.id(), "response", e.response()))).append('\n');
    Path responses = tmp.resolve("gen.jsonl");
    Files.writeString(responses, gen);
    Path sheet = tmp.resolve("sheet.csv");
    var r = RaterSheet.export(f, responses, "x", responses, "y", sheet, 1, false);
    assertEquals(1000, r.rows());
    assertEquals(0, r.missing());
    try (var reader = Files.newBufferedReader(sheet)) {
      var rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader).getRecords();
      assertEquals(1000, rows.size());
      // both sides hold the released answer, so whatever the order, the texts round-trip intact
      assertEquals(all.get(0).response(), rows.get(0).get("response_1"));
      assertEquals(all.get(999).prompt(), rows.get(999).get("prompt"));
      assertEquals(List.of(rows.get(5).get("response_1")), List.of(rows.get(5).get("response_2")));
    }
  }
}
