package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.train.model.TinyModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --device} and {@code --dtype} of {@code lima generate} and {@code lima serve}. */
class DeviceDtypeOptionsTest {
  @TempDir static Path model;

  @BeforeAll
  static void write() throws Exception {
    TinyModel.write(model, TinyModel.config(128), 3);
  }

  static void assertOneLineUsageError(LimaRun r, String expected) {
    assertEquals(2, r.rc(), r.err());
    String e = r.err().strip();
    assertFalse(e.contains("\n"), "more than one line: " + r.err());
    assertTrue(e.contains(expected), r.err());
  }

  @Test
  void generateRunsInFloat16OnTheCpu() {
    LimaRun r = LimaRun.of("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "6", "--temperature", "0", "--dtype", "float16");
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.err().matches("(?s)\\d+ prompt \\+ [1-6] new tokens.*finish: .*"), r.err());
    LimaRun auto = LimaRun.of("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "6", "--temperature", "0", "--device", "cpu", "--dtype", "auto");
    LimaRun fp32 = LimaRun.of("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "6", "--temperature", "0");
    assertEquals(0, auto.rc(), auto.err());
    assertEquals(fp32.out(), auto.out(), "--dtype auto is float32 on the CPU");
  }

  @Test
  void gpuWithoutCudaIsAOneLineErrorWithExitTwo() {
    Assumptions.assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "skipped: PyTorch sees a GPU on this machine");
    assertOneLineUsageError(LimaRun.of("generate", "--model", model.toString(), "--prompt", "x", "--device", "gpu"), "--device gpu: no GPU is visible");
    assertOneLineUsageError(LimaRun.of("serve", "--model", model.toString(), "--port", "0", "--device", "gpu", "--dtype", "auto"), "--device gpu: no GPU is visible");
  }

  @Test
  void badValuesAreUsageErrors() {
    assertOneLineUsageError(LimaRun.of("generate", "--model", model.toString(), "--prompt", "x", "--dtype", "bfloat16"), "bfloat16 is not supported");
    assertOneLineUsageError(LimaRun.of("generate", "--model", model.toString(), "--prompt", "x", "--dtype", "int8"), "--dtype must be float32, float16 or auto");
    assertOneLineUsageError(LimaRun.of("serve", "--model", model.toString(), "--device", "tpu"), "--device must be cpu or gpu");
    LimaRun help = LimaRun.of("serve", "--help");
    assertTrue(help.out().contains("--device") && help.out().contains("--dtype"), help.out());
  }

  @Test
  void serveInFloat16() throws Exception {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cl = LimaCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int[] rc = {-1};
    Thread t = Thread.ofPlatform().start(() -> rc[0] = cl.execute("serve", "--model", model.toString(), "--port", "0", "--dtype", "float16", "--model-id", "m", "-q"));
    ServeCommand cmd = cl.getSubcommands().get("serve").getCommand();
    assertTrue(cmd.started.await(120, TimeUnit.SECONDS), err.toString());
    Matcher m = Pattern.compile("serving m at (http://127\\.0\\.0\\.1:\\d+)/v1").matcher(out.toString());
    assertTrue(m.find(), out.toString());
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1)).resolve("/v1/completions"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"Hi\",\"max_tokens\":3,\"temperature\":0}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"text_completion\""), r.body());
    cmd.server.close();
    t.join(60_000);
    assertEquals(0, rc[0], err.toString());
  }
}
