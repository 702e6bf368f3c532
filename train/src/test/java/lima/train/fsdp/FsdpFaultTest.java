package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lima.core.Json;
import lima.core.UserException;
import lima.train.fit.TrainConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults stop every rank, keep the last good checkpoint, and come back as one line naming the rank and its log:
 * a NaN loss, a rank killed by a signal, and SIGTERM to lima. (Missing Python and old torch: FsdpLauncherTest.)
 */
@Tag("slow")
class FsdpFaultTest {
  static TrainConfig config(String python) {
    return FsdpTestSupport.parity("fsdp").with("python", python, "nproc-per-node", 2, "save-every", 1);
  }

  @Test
  void nanLossStopsEveryRank(@TempDir Path tmp) throws Exception {
    String python = FsdpTestSupport.python();
    Path model = FsdpTestSupport.tinyModel(tmp.resolve("model"));
    Path data = FsdpTestSupport.tinyData(tmp.resolve("data"), model);
    // an absurd learning rate blows the weights up at the first update: the second step's loss is not finite
    TrainConfig c = config(python).with("lr", 1e30, "final-lr", 1e29, "clip", 0.0);
    Path out = tmp.resolve("out");
    UserException e = assertThrows(UserException.class, () -> FsdpEngine.run(c, model, data, out, false, false, false, new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().matches("rank \\d: training diverged at step 2 \\(epoch 1\\): the (loss|gradient norm) is (NaN|Infinity).*full log: .*rank-\\d\\.log\\)"),
        e.getMessage());
    assertEquals(1, Parity.state(out.resolve("step-1")).path("step").asInt(), "the last good checkpoint stays");
    assertFalse(Files.exists(out.resolve("step-2")));
  }

  @Test
  void aKilledRankStopsTheRun(@TempDir Path tmp) throws Exception {
    String python = FsdpTestSupport.python();
    Path model = FsdpTestSupport.tinyModel(tmp.resolve("model"));
    Path data = FsdpTestSupport.tinyData(tmp.resolve("data"), model);
    Path out = tmp.resolve("out");
    CompletableFuture<Object> run = CompletableFuture.supplyAsync(() -> {
      try {
        return FsdpEngine.run(config(python), model, data, out, false, false, false, new PrintWriter(new StringWriter()));
      } catch (Exception ex) {
        return ex;
      }
    });
    while (!Files.isRegularFile(out.resolve("step-1/trainer-state.json"))) {
      assertFalse(run.isDone(), "the run ended early: " + run.getNow(null));
      Thread.sleep(50);
    }
    // the ranks are the grandchildren of this JVM (JVM -> torchrun -> ranks)
    var ranks = ProcessHandle.current().descendants().filter(h -> h.parent().map(p -> p.parent().map(g -> g.pid() == ProcessHandle.current().pid()).orElse(false))
        .orElse(false)).toList();
    assertEquals(2, ranks.size(), "two ranks under torchrun");
    ranks.get(1).destroyForcibly();
    Object r = run.get(120, TimeUnit.SECONDS);
    assertInstanceOf(UserException.class, r);
    String msg = ((UserException) r).getMessage();
    assertTrue(msg.matches("rank \\d was killed by signal 9 \\(SIGKILL; out of memory\\?\\); every rank was stopped \\(full log: .*\\)"), msg);
    for (ProcessHandle h : ranks) assertTrue(h.onExit().get(60, TimeUnit.SECONDS) != null);
    assertTrue(Files.isRegularFile(out.resolve("step-1/model.safetensors")) || Files.isDirectory(out.resolve("step-2"))
        || Files.isDirectory(out.resolve("epoch-1")), "a checkpoint survives");
  }

  @Test
  void sigtermStopsLimaAndItsRanks(@TempDir Path tmp) throws Exception {
    String python = FsdpTestSupport.python();
    Path model = FsdpTestSupport.tinyModel(tmp.resolve("model"));
    Path data = FsdpTestSupport.tinyData(tmp.resolve("data"), model);
    Path out = tmp.resolve("out");
    Path cfg = tmp.resolve("run.json");
    Files.writeString(cfg, Json.MAPPER.writeValueAsString(config(python).toMap()));
    Process lima = FsdpRunMain.start(model, data, out, cfg, tmp.resolve("launcher.out"));
    while (!Files.isRegularFile(out.resolve("step-1/trainer-state.json"))) {
      assertTrue(lima.isAlive(), Files.readString(tmp.resolve("launcher.out")));
      Thread.sleep(50);
    }
    var all = lima.descendants().toList();
    lima.destroy(); // SIGTERM: the JVM's shutdown hook stops torchrun, which stops the ranks
    assertTrue(lima.waitFor(90, TimeUnit.SECONDS));
    assertNotEquals(0, lima.exitValue());
    for (ProcessHandle h : all) h.onExit().get(60, TimeUnit.SECONDS);
    FsdpEngine.waitForOldRanks(out);
    assertTrue(Files.isRegularFile(out.resolve("step-1/trainer-state.json")) || Files.isDirectory(out.resolve("step-2"))
        || Files.isDirectory(out.resolve("epoch-1")), "the last checkpoint is intact");
  }
}
