package lima.train.fsdp;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import lima.train.fit.FineTune;
import lima.train.fit.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With residual dropout on (0 -> 0.3 over 4 layers), both engines draw the same seeded masks (per example, layer
 * and branch; lima_fsdp/dropout.py is SeededDropout bit for bit): same losses and weights, on 2 ranks.
 */
class FsdpDropoutParityTest {
  @Test
  void dropoutMatchesDjl(@TempDir Path tmp) throws Exception {
    String python = FsdpTestSupport.python();
    Path model = FsdpTestSupport.tinyModel(tmp.resolve("model"));
    Path data = FsdpTestSupport.tinyData(tmp.resolve("data"), model);
    TrainConfig c = FsdpTestSupport.parity("djl").with("dropout-top", 0.3);
    FineTune.run(c, model, data, tmp.resolve("djl"), false, false);
    FsdpEngine.run(c.with("engine", "fsdp", "python", python, "nproc-per-node", 2), model, data, tmp.resolve("fsdp"), false, false, false,
        new PrintWriter(new StringWriter()));
    Parity.Figures f = Parity.compare(tmp.resolve("djl"), tmp.resolve("fsdp"), tmp.resolve("djl/final/optimizer.bin"));
    System.out.println("dropout 0 -> 0.3, fsdp 2 ranks vs djl: " + f);
  }
}
