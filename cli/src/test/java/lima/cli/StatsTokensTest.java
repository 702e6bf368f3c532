package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.Json;
import lima.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code lima stats --tokenizer} on the released LIMA training data reproduces the figures in LIMA.md. */
@Tag("real-data")
class StatsTokensTest {
  @Test
  void tokenCountsOfTheReleasedTrainingSet() throws Exception {
    Path data = TestData.real("data/lima/lima_train_first1000.jsonl");
    Path tok = TestData.real("models/llama2c-tokenizer/tokenizer.model");
    Assumptions.assumeTrue(Files.exists(data) && Files.exists(tok), "skipped: the LIMA data or the LLaMA tokenizer.model is absent");
    StringWriter out = new StringWriter();
    var cl = LimaCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    int rc = cl.execute("stats", data.toString(), "--tokenizer", tok.toString(), "--json");
    assertEquals(0, rc, out.toString());
    JsonNode j = Json.MAPPER.readTree(out.toString());
    assertEquals(711_132, j.get("total_tokens").asLong());
    JsonNode s = j.get("sources");
    check(s, "stackexchange", 80.2, 476.0);
    check(s, "authors", 38.2, 329.0);
    check(s, "wikihow", 9.5, 1753.2);
    check(s, "nlp", 243.0, 93.1);
    check(s, "writingprompts", 32.8, 272.9);
  }

  static void check(JsonNode sources, String name, double in, double out) {
    JsonNode r = sources.get(name);
    assertNotNull(r, name);
    assertEquals(in, r.get("avg_input_tokens").asDouble(), 1e-9, name + " input");
    assertEquals(out, r.get("avg_output_tokens").asDouble(), 1e-9, name + " output");
  }
}
