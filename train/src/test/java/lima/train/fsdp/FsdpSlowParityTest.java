package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.RunDir;
import lima.core.TestData;
import lima.train.fit.FineTune;
import lima.train.fit.TrainConfig;
import lima.train.model.LlamaConfig;
import lima.train.tokenize.Tokenize;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Longer parity runs (make test-all): 1 rank against 2 ranks, and the real stories260K (tied head grown by EOT) against DJL. */
@Tag("slow")
class FsdpSlowParityTest {
  @Test
  void oneRankAndTwoRanksAgree(@TempDir Path tmp) throws Exception {
    String python = FsdpTestSupport.python();
    Path model = FsdpTestSupport.tinyModel(tmp.resolve("model"));
    Path data = FsdpTestSupport.tinyData(tmp.resolve("data"), model);
    TrainConfig c = FsdpTestSupport.parity("fsdp").with("python", python);
    FsdpEngine.run(c.with("nproc-per-node", 1), model, data, tmp.resolve("one"), false, false, false, new PrintWriter(new StringWriter()));
    FsdpEngine.run(c.with("nproc-per-node", 2), model, data, tmp.resolve("two"), false, false, false, new PrintWriter(new StringWriter()));
    Parity.Figures f = Parity.compare(tmp.resolve("one"), tmp.resolve("two"), null);
    System.out.println("fsdp 1 rank vs 2 ranks: " + f);
    assertEquals(0, f.epsElements());
  }

  @Test
  @Tag("real-data")
  void stories260kMatchesDjl(@TempDir Path tmp) throws Exception {
    Path model = TestData.real("models/stories260K-hf-DERIVED");
    Path lima = TestData.real("data/lima/lima_train_first1000.jsonl");
    Assumptions.assumeTrue(Files.isDirectory(model) && Files.isRegularFile(lima), "skipped: " + model + " or " + lima + " is not available");
    String python = FsdpTestSupport.python();
    Path few = tmp.resolve("few.jsonl");
    Files.write(few, Files.readAllLines(lima).subList(0, 11));
    Path data = tmp.resolve("data");
    try (RunDir run = RunDir.open(new RunDir.Options(data, false, 0, -1))) {
      Tokenize.run(List.of(few), model, 192, run);
    }
    TrainConfig c = TrainConfig.of("epochs", 2, "batch", 4, "micro-batch", 3, "lr", 2e-3, "final-lr", 2e-4, "dropout-top", 0.0, "threads", 1, "max-len", 192);
    FineTune.run(c, model, data, tmp.resolve("djl"), false, false);
    FsdpEngine.run(c.with("engine", "fsdp", "python", python, "nproc-per-node", 2), model, data, tmp.resolve("fsdp"), false, false, false,
        new PrintWriter(new StringWriter()));
    Parity.Figures f = Parity.compare(tmp.resolve("djl"), tmp.resolve("fsdp"), tmp.resolve("djl/final/optimizer.bin"));
    System.out.println("stories260K, fsdp 2 ranks vs djl: " + f);
    LlamaConfig fin = LlamaConfig.read(tmp.resolve("fsdp/final"));
    assertEquals(513, fin.vocabSize());
    assertTrue(fin.tieWordEmbeddings());
    assertEquals(Parity.greedy(tmp.resolve("djl/final"), "Once upon a time"), Parity.greedy(tmp.resolve("fsdp/final"), "Once upon a time"));
  }
}
