package lima.train.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The real pretrained stories260K served over HTTP: a greedy {@code /v1/completions} from an empty prompt
 * (BOS alone, no repetition penalty, as llama2.c's {@code run -t 0}) gives the start of
 * REFERENCE_GREEDY.txt, streamed or not.
 */
@Tag("real-data")
class Stories260KServeTest {
  @Test
  void greedyCompletionFromBosMatchesTheReference() throws Exception {
    Path dir = TestData.real("models/stories260K-hf-DERIVED");
    Path ref = TestData.real("models/stories260K/REFERENCE_GREEDY.txt");
    Assumptions.assumeTrue(Files.isDirectory(dir) && Files.exists(ref), "skipped: stories260K files are absent under " + TestData.real("models"));
    String want = Files.readString(ref).strip();
    try (OpenAiServer server = OpenAiServer.start(GeneratorBackend.open(dir, "stories260K", 1), ServeOptions.defaults(0), null)) {
      ServeClient client = new ServeClient(server.baseUri());
      String body = "{\"model\":\"stories260K\",\"prompt\":\"\",\"max_tokens\":120,\"temperature\":0,\"repetition_penalty\":1.0}";
      HttpResponse<String> r = client.post("/v1/completions", body);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode j = ServeClient.json(r);
      String text = j.path("choices").path(0).path("text").asText().strip();
      assertTrue(text.startsWith("Once upon a time"), text);
      assertTrue(text.length() > 300, "120 tokens of story: " + text);
      assertTrue(want.startsWith(text), "reference starts with the served text:\n" + text);
      assertEquals("length", j.path("choices").path(0).path("finish_reason").asText());
      List<String> ev = ServeClient.events(client.post("/v1/completions", body.replace("}", ",\"stream\":true}")).body());
      assertEquals(text, ServeClient.streamedText(ev).strip());
    }
  }
}
