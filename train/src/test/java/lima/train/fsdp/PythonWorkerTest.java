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

  /** The dropout schedule of a run spec (0 -> --dropout-top, linear over the layers) is what the worker's layers get. */
  @Test
  void workerLayersGetLimasDropoutSchedule(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    String python = FsdpTestSupport.python();
    Path model = FsdpTestSupport.tinyModel(tmp.resolve("model"));
    Path data = FsdpTestSupport.tinyData(tmp.resolve("data"), model);
    lima.train.fit.TrainConfig c = FsdpTestSupport.parity("fsdp").with("dropout-top", 0.3);
    var grown = FsdpEngine.grown(lima.train.model.LlamaConfig.read(model), 101);
    var schedule = new lima.train.fit.StepSchedule(c, new int[] {1, 2, 3});
    Path spec = RunSpec.write(tmp, RunSpec.build(c, model, data, tmp, grown, schedule, java.util.Map.of(), null, 0));
    Path worker = WorkerPackage.unpack(tmp);
    String code = "import json,sys; from lima_fsdp import model as M; s=json.load(open(sys.argv[1])); m=M.Llama(M.Config(s['model_config']));"
        + " m.set_residual_dropout(s['dropout']); print(json.dumps(m.residual_dropout()))";
    ProcessBuilder pb = new ProcessBuilder(python, "-c", code, spec.toString()).redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", worker.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), out);
    var rates = lima.core.Json.MAPPER.readTree(out.lines().reduce((a, b) -> b).orElse(""));
    double[] want = {0.0, 0.1, 0.2, 0.3};
    assertEquals(4, rates.size(), out);
    for (int i = 0; i < 4; i++) assertEquals(want[i], rates.get(i).asDouble(), 1e-12, "layer " + i);
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
