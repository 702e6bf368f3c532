package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The worker's Python unit tests (python/tests: safetensors, data, model) and the package list the jar carries. */
class PythonWorkerTest {
  static Path root() {
    return Path.of(System.getProperty("lima.root", "..")).toAbsolutePath().normalize();
  }

  @Test
  void pythonUnitTestsPass() throws Exception {
    String python = FsdpTestSupport.python();
    Process p = new ProcessBuilder(python, "-m", "unittest", "discover", "-s", root().resolve("python/tests").toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("OK"), out);
  }

  @Test
  void jarCarriesEveryFileOfThePackage() throws Exception {
    List<String> onDisk;
    try (Stream<Path> s = Files.list(root().resolve("python/lima_fsdp"))) {
      onDisk = s.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".py")).sorted().toList();
    }
    assertEquals(onDisk, WorkerPackage.FILES.stream().sorted().toList(), "WorkerPackage.FILES must list python/lima_fsdp/*.py");
    Path tmp = Files.createTempDirectory("lima-worker");
    Path unpacked = WorkerPackage.unpack(tmp);
    for (String f : onDisk)
      assertArrayEquals(Files.readAllBytes(root().resolve("python/lima_fsdp").resolve(f)), Files.readAllBytes(unpacked.resolve("lima_fsdp").resolve(f)), f);
  }
}
