package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.train.model.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lima serve} as a real process: SIGTERM stops it cleanly (summary line, port closed). */
class ServeSignalTest {
  @TempDir Path dir;

  @Test
  void sigtermShutsTheServerDownCleanly() throws Exception {
    Path model = dir.resolve("m");
    TinyModel.write(model, TinyModel.config(128), 4);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
        "lima.cli.Main", "serve", "--model", model.toString(), "--port", "0", "--shutdown-grace", "2")
        .redirectError(dir.resolve("err.txt").toFile())
        .redirectOutput(dir.resolve("out.txt").toFile())
        .start();
    try {
      Path outFile = dir.resolve("out.txt");
      for (int i = 0; i < 1200 && p.isAlive() && Files.readString(outFile).indexOf('\n') < 0; i++) Thread.sleep(100);
      String first = Files.readString(outFile).lines().findFirst().orElse(null);
      assertNotNull(first, "no output; stderr: " + Files.readString(dir.resolve("err.txt")));
      Matcher m = Pattern.compile("at (http://127\\.0\\.0\\.1:(\\d+))/v1").matcher(first);
      assertTrue(m.find(), first);
      URI base = URI.create(m.group(1));
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after SIGTERM");
      List<String> lines = Files.readAllLines(outFile);
      assertEquals(List.of(first, "stopped: 0 completions served, 0 error responses"), lines);
      // 143 = 128 + SIGTERM: the JVM's status after a signal, once the shutdown hook has finished.
      assertEquals(143, p.exitValue());
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", Integer.parseInt(m.group(2))).close());
    } finally {
      p.destroyForcibly();
    }
  }
}
