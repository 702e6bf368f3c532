package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lima.train.fit.TrainConfig;
import lima.train.fit.Trainer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two "nodes" on this machine (lima started once per node rank, one rank each) train as one 2-rank node does. */
@Tag("slow")
class FsdpMultiNodeTest {
  @Test
  void twoNodesOfOneRankMatchOneNodeOfTwo(@TempDir Path tmp) throws Exception {
    String python = FsdpTestSupport.python();
    Path model = FsdpTestSupport.tinyModel(tmp.resolve("model"));
    Path data = FsdpTestSupport.tinyData(tmp.resolve("data"), model);
    TrainConfig c = FsdpTestSupport.parity("fsdp").with("python", python);
    FsdpEngine.run(c.with("nproc-per-node", 2), model, data, tmp.resolve("one-node"), false, false, false, new PrintWriter(new StringWriter()));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TrainConfig multi = c.with("nnodes", 2, "nproc-per-node", 1, "master-addr", "127.0.0.1", "master-port", port);
    Path out = tmp.resolve("two-nodes");
    CompletableFuture<Trainer.Result> node1 = CompletableFuture.supplyAsync(() -> {
      try {
        return FsdpEngine.run(multi.with("node-rank", 1), model, data, out, false, false, false, new PrintWriter(new StringWriter()));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Trainer.Result r0 = FsdpEngine.run(multi.with("node-rank", 0), model, data, out, false, false, false, new PrintWriter(new StringWriter()));
    Trainer.Result r1 = node1.get(300, TimeUnit.SECONDS);
    assertTrue(r0.finished());
    assertTrue(r1.finished());
    assertTrue(Files.isRegularFile(out.resolve("logs/launcher-node-1.log")));
    Parity.Figures f = Parity.compare(tmp.resolve("one-node"), out, null);
    System.out.println("fsdp 2 nodes x 1 rank vs 1 node x 2 ranks: " + f);
    assertEquals(0, f.epsElements());
  }
}
