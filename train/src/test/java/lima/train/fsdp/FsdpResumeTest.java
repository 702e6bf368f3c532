package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.Json;
import lima.train.fit.Metrics;
import lima.train.fit.TrainConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of lima (the launcher) mid-epoch, then --resume, ends with the same bytes as an uninterrupted run: 2
 * ranks, residual dropout 0 -> 0.3 over 4 layers (whose rates the worker reports), a step checkpoint every step.
 */
@Tag("slow") // three launches of 2 ranks: about 2-3 minutes on 2 cores (make test-all)
class FsdpResumeTest {
  @Test
  void killNineThenResumeIsByteIdentical(@TempDir Path tmp) throws Exception {
    String python = FsdpTestSupport.python();
    Path model = FsdpTestSupport.tinyModel(tmp.resolve("model"));
    Path data = FsdpTestSupport.tinyData(tmp.resolve("data"), model);
    TrainConfig c = FsdpTestSupport.parity("fsdp").with("python", python, "nproc-per-node", 2, "dropout-top", 0.3, "save-every", 1);
    Path whole = tmp.resolve("whole");
    FsdpEngine.run(c, model, data, whole, false, false, false, new PrintWriter(new StringWriter()));

    // the worker's layers carry lima's schedule: 0, 0.1, 0.2, 0.3
    String line = Files.readAllLines(whole.resolve("logs/rank-0.log")).stream().filter(l -> l.startsWith("residual dropout per layer: ")).findFirst().orElseThrow();
    var rates = Json.MAPPER.readTree(line.substring("residual dropout per layer: ".length()));
    double[] expected = c.dropouts(4);
    assertEquals(4, rates.size());
    for (int i = 0; i < 4; i++) assertEquals(expected[i], rates.get(i).asDouble(), 1e-12, "layer " + i);
    assertEquals(0.3, rates.get(3).asDouble(), 1e-12);

    Path killed = tmp.resolve("killed");
    Path cfg = tmp.resolve("run.json");
    Files.writeString(cfg, Json.MAPPER.writeValueAsString(c.toMap()));
    Process lima = FsdpRunMain.start(model, data, killed, cfg, tmp.resolve("launcher.out"));
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (!Files.isRegularFile(killed.resolve("step-2/trainer-state.json")) && !Files.isDirectory(killed.resolve("epoch-1"))) {
      assertTrue(lima.isAlive(), "the launcher ended before step 2: " + Files.readString(tmp.resolve("launcher.out")));
      assertTrue(System.nanoTime() < deadline, "no step-2 checkpoint in time");
      Thread.sleep(50);
    }
    lima.destroyForcibly(); // SIGKILL: no shutdown hook runs; the ranks notice the launcher is gone
    lima.waitFor();
    FsdpEngine.waitForOldRanks(killed);
    assertFalse(Files.isDirectory(killed.resolve("final")), "killed before the end");
    List<Path> errors;
    try (var s = Files.list(killed.resolve("logs"))) {
      errors = s.filter(p -> p.getFileName().toString().startsWith("error-rank-")).toList();
    }
    assertFalse(errors.isEmpty(), "the ranks said why they stopped");
    // the rank that noticed first says so; the other may only see its peer's connection close
    StringBuilder said = new StringBuilder();
    for (Path e : errors) said.append(Files.readString(e));
    assertTrue(said.toString().contains("the launcher (lima"), said.toString());

    var r = FsdpEngine.run(c, model, data, killed, false, true, false, new PrintWriter(new StringWriter()));
    assertTrue(r.finished());
    assertArrayEquals(Files.readAllBytes(whole.resolve("final/model.safetensors")), Files.readAllBytes(killed.resolve("final/model.safetensors")),
        "resumed final weights differ from the uninterrupted run's");
    List<Metrics.Metric> a = Metrics.read(whole.resolve(Metrics.FILE)), b = Metrics.read(killed.resolve(Metrics.FILE));
    assertEquals(6, b.size());
    for (int i = 0; i < a.size(); i++) assertEquals(a.get(i).loss(), b.get(i).loss(), 0.0, "loss of step " + (i + 1));
  }
}
