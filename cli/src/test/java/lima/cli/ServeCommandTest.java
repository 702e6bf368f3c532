package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.core.Json;
import lima.train.model.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void servesUntilStoppedThenPrintsASummary() throws Exception {
    Path model = dir.resolve("my-model");
    TinyModel.write(model, TinyModel.config(128), 3);
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = LimaCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int[] rc = {-1};
    Thread t = Thread.ofPlatform().start(() -> rc[0] = cl.execute("serve", "--model", model.toString(), "--port", "0", "--shutdown-grace", "1"));
    ServeCommand cmd = cl.getSubcommands().get("serve").getCommand();
    assertTrue(cmd.started.await(120, TimeUnit.SECONDS), err.toString());
    Matcher m = Pattern.compile("serving my-model at (http://127\\.0\\.0\\.1:\\d+)/v1").matcher(out.toString());
    assertTrue(m.find(), out.toString());
    URI base = URI.create(m.group(1));
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"my-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":4}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("chat.completion", Json.MAPPER.readTree(r.body()).path("object").asText());
    cmd.server.close();
    t.join(60_000);
    assertEquals(0, rc[0], err.toString());
    assertTrue(out.toString().contains("stopped: 1 completions served, 0 error responses"), out.toString());
    assertTrue(err.toString().contains("POST /v1/chat/completions 200"), err.toString());
    assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(base.resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void badOptionsAreUsageErrors() {
    StringWriter err = new StringWriter();
    CommandLine cl = LimaCommand.commandLine();
    cl.setErr(new PrintWriter(err, true));
    assertEquals(2, cl.execute("serve", "--model", dir.toString(), "--max-concurrency", "0"));
    assertTrue(err.toString().contains("--max-concurrency must be at least 1"), err.toString());
  }
}
