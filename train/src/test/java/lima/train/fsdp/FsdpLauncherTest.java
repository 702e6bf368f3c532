package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.UserException;
import lima.train.fit.TrainConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torchrun command lines, --print-launch, the Python check and the one-line errors of failed ranks (no launch). */
class FsdpLauncherTest {
  @Test
  void singleNodeIsStandalone() {
    TrainConfig c = TrainConfig.of("engine", "fsdp", "nproc-per-node", 2, "python", "/opt/py/bin/python");
    assertEquals(List.of("/opt/py/bin/python", "-m", "torch.distributed.run", "--nnodes", "1", "--nproc-per-node", "2", "--standalone",
        "--max-restarts", "0", "-m", "lima_fsdp", "/runs/a/run-spec.json"), FsdpLauncher.command(c, 0, Path.of("/runs/a/run-spec.json")));
  }

  @Test
  void printLaunchGivesOneLinePerNode() {
    TrainConfig c = TrainConfig.of("engine", "fsdp", "device", "gpu", "nproc-per-node", 8, "nnodes", 2, "master-addr", "node-0.cluster", "master-port", 29400);
    String s = FsdpLauncher.printLaunch(c, Path.of("/shared/run 1/worker"), Path.of("/shared/run 1/run-spec.json"));
    List<String> lines = s.lines().filter(l -> !l.startsWith("#")).toList();
    assertEquals(2, lines.size(), s);
    for (int r = 0; r < 2; r++) {
      String l = lines.get(r);
      assertTrue(l.startsWith("PYTHONPATH='/shared/run 1/worker' python3 -m torch.distributed.run --nnodes 2 --nproc-per-node 8 --node-rank " + r
          + " --master-addr node-0.cluster --master-port 29400 --max-restarts 0 -m lima_fsdp '/shared/run 1/run-spec.json'"), l);
    }
  }

  @Test
  void missingPythonSaysWhatToInstall(@TempDir Path tmp) throws Exception {
    var e = assertThrows(UserException.class, () -> FsdpLauncher.check(tmp.resolve("no-such-python").toString(), WorkerPackage.unpack(tmp)));
    assertTrue(e.getMessage().contains("cannot run it") && e.getMessage().contains("torch>=2.7") && e.getMessage().contains("make venv"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void pythonWithoutTorchSaysWhatToInstall(@TempDir Path tmp) throws Exception {
    Path py = Path.of("/usr/bin/python3");
    Assumptions.assumeTrue(Files.isExecutable(py), "skipped: no /usr/bin/python3");
    Process p = new ProcessBuilder(py.toString(), "-c", "import torch").start();
    Assumptions.assumeTrue(p.waitFor() != 0, "skipped: /usr/bin/python3 has torch");
    var e = assertThrows(UserException.class, () -> FsdpLauncher.check(py.toString(), WorkerPackage.unpack(tmp)));
    assertTrue(e.getMessage().contains("no torch") && e.getMessage().contains("torch>=2.7"), e.getMessage());
  }

  @Test
  void oldTorchIsRefused(@TempDir Path tmp) throws Exception {
    // a fake torch 1.13 (Debian's python3-torch) in front of the real Python
    Path fake = tmp.resolve("fake/torch");
    Files.createDirectories(fake);
    Files.writeString(fake.resolve("__init__.py"), "__version__ = '1.13.0'\n");
    Path script = tmp.resolve("python");
    Files.writeString(script, "#!/bin/sh\nPYTHONPATH=\"$PYTHONPATH:" + tmp.resolve("fake") + "\" exec python3 \"$@\"\n");
    script.toFile().setExecutable(true);
    Process p = new ProcessBuilder("python3", "--version").start();
    Assumptions.assumeTrue(p.waitFor() == 0, "skipped: no python3");
    var e = assertThrows(UserException.class, () -> FsdpLauncher.check(script.toString(), WorkerPackage.unpack(tmp)));
    // the real torch may come first on the path: either way the message names what is needed
    assertTrue(e.getMessage().contains("1.13.0 is older than 2.7") || e.getMessage().contains("torch>=2.7"), e.getMessage());
  }

  @Test
  void theKilledRankWinsOverAPeerObservedFirst(@TempDir Path logs) throws Exception {
    Files.writeString(logs.resolve("launcher.log"), """
        Failures:
        [1]:
          time      : 2026-12-02_18:57:01
          host      : localhost
          rank      : 1 (local_rank: 1)
          exitcode  : -9 (pid: 4242)
          error_file: <N/A>
          traceback : Signal 9 (SIGKILL) received by PID 4242
        ------------------------------------------------------------
        Root Cause (first observed failure):
        [0]:
          time      : 2026-12-02_18:57:01
          host      : localhost
          rank      : 0 (local_rank: 0)
          exitcode  : 1 (pid: 4241)
          error_file: <N/A>
          traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
        ============================================================
        """);
    Files.writeString(logs.resolve("error-rank-0.txt"), "rank 0: RuntimeError: Connection reset by peer\n");
    UserException e = FsdpLauncher.failure(logs, logs.resolve("launcher.log"), 1);
    assertTrue(e.getMessage().startsWith("rank 1 was killed by signal 9"), e.getMessage());
  }

  @Test
  void aRankKilledBySignalIsOneLine(@TempDir Path logs) throws Exception {
    Files.writeString(logs.resolve("launcher.log"), """
        [W] Sending process 1234 closing signal SIGTERM
        torch.distributed.elastic.multiprocessing.errors.ChildFailedError:
        ============================================================
        lima_fsdp FAILED
        ------------------------------------------------------------
        Failures:
          <NO_OTHER_FAILURES>
        ------------------------------------------------------------
        Root Cause (first observed failure):
        [0]:
          time      : 2026-12-02_17:45:58
          host      : localhost
          rank      : 1 (local_rank: 1)
          exitcode  : -9 (pid: 21673)
          error_file: <N/A>
          traceback : Signal 9 (SIGKILL) received by PID 21673
        ============================================================
        """);
    // rank 0 saw the connection close after rank 1 died: the root cause wins over that follow-on error
    Files.writeString(logs.resolve("error-rank-0.txt"), "rank 0: RuntimeError: Connection closed by peer\n");
    UserException e = FsdpLauncher.failure(logs, logs.resolve("launcher.log"), 1);
    assertEquals("rank 1 was killed by signal 9 (SIGKILL; out of memory?); every rank was stopped (full log: " + logs.resolve("rank-1.log") + ")", e.getMessage());
    // a rank that left its one-line error: that line, even if another rank also wrote one later
    Files.writeString(logs.resolve("error-rank-1.txt"), "rank 1: training diverged at step 2 (epoch 1): the loss is NaN; stopping\n");
    e = FsdpLauncher.failure(logs, logs.resolve("launcher.log"), 1);
    assertTrue(e.getMessage().startsWith("rank 1: training diverged at step 2"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(full log: " + logs.resolve("rank-1.log") + ")"), e.getMessage());
  }
}
