package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.Json;
import lima.train.fit.FineTune;
import lima.train.fit.Trainer;
import lima.train.model.LlamaConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fsdp engine on 2 CPU ranks (gloo) against the DJL engine, same recipe, dropout 0, fp32: the same loss at
 * every step, the same final weights (but for eps-size-gradient elements, counted), the same greedy text, and
 * outputs in the same layout.
 */
class FsdpParityTest {
  @TempDir static Path tmp;
  static Path model, data, djl, fsdp;
  static Trainer.Result djlResult, fsdpResult;

  @BeforeAll
  static void train() throws Exception {
    String python = FsdpTestSupport.python();
    model = FsdpTestSupport.tinyModel(tmp.resolve("model"));
    data = FsdpTestSupport.tinyData(tmp.resolve("data"), model);
    djl = tmp.resolve("djl");
    fsdp = tmp.resolve("fsdp");
    djlResult = FineTune.run(FsdpTestSupport.parity("djl"), model, data, djl, false, false);
    fsdpResult = FsdpEngine.run(FsdpTestSupport.parity("fsdp").with("python", python, "nproc-per-node", 2), model, data, fsdp, false, false, false,
        new PrintWriter(new StringWriter()));
  }

  @Test
  void sameLossesAndWeightsAsDjl() throws Exception {
    assertTrue(fsdpResult.finished());
    assertEquals(6, fsdpResult.stepsDone());
    Parity.Figures f = Parity.compare(djl, fsdp, djl.resolve("final/optimizer.bin"));
    System.out.println("fsdp 2 ranks vs djl: " + f);
    assertEquals(djlResult.lastLoss(), fsdpResult.lastLoss(), Math.abs(djlResult.lastLoss()) * Parity.LOSS_REL);
  }

  @Test
  void sameGreedyTextAsDjl() throws Exception {
    String a = Parity.greedy(djl.resolve("final"), "Question number 3, please?");
    String b = Parity.greedy(fsdp.resolve("final"), "Question number 3, please?");
    assertFalse(a.isEmpty());
    assertEquals(a, b);
  }

  @Test
  void outputsHaveTheDjlLayout() throws Exception {
    for (String f : new String[] {"metrics.jsonl", "loss.png", "manifest.json", "stats.json", "run-spec.json", "epoch-1/model.safetensors",
        "epoch-2/trainer-state.json", "final/model.safetensors", "final/config.json", "final/tokenizer.json", "final/dataset-manifest.json",
        "final/dcp/.metadata", "logs/rank-0.log", "logs/rank-1.log"})
      assertTrue(Files.isRegularFile(fsdp.resolve(f)), f);
    assertFalse(Files.exists(fsdp.resolve("epoch-1/dcp")), "only the latest checkpoint keeps its sharded state");
    assertEquals(101, LlamaConfig.read(fsdp.resolve("final")).vocabSize(), "embedding and head grown by the EOT row");
    assertEquals(LlamaConfig.read(djl.resolve("final")), LlamaConfig.read(fsdp.resolve("final")));
    var st = Parity.state(fsdp.resolve("final"));
    assertEquals("fsdp", st.path("engine").asText());
    assertEquals(6, st.path("step").asLong());
    assertEquals(2, st.path("world_size").asInt());
    assertTrue(st.path("dataset_sha256").asText().matches("[0-9a-f]{64}"));
    assertEquals(Parity.state(djl.resolve("final")).path("model_sha256").asText(), st.path("model_sha256").asText(), "the same base model");
    var metric = Json.MAPPER.readTree(Files.readAllLines(fsdp.resolve("metrics.jsonl")).get(0));
    var djlMetric = Json.MAPPER.readTree(Files.readAllLines(djl.resolve("metrics.jsonl")).get(0));
    java.util.Set<String> keys = new java.util.TreeSet<>(), djlKeys = new java.util.TreeSet<>();
    metric.fieldNames().forEachRemaining(keys::add);
    djlMetric.fieldNames().forEachRemaining(djlKeys::add);
    assertEquals(djlKeys, keys);
    var stats = Json.MAPPER.readTree(fsdp.resolve("stats.json").toFile());
    assertTrue(stats.toString().contains("fsdp"), stats.toString());
  }

  @Test
  void resumeRefusesACheckpointOfTheOtherEngine(@TempDir Path t) throws Exception {
    // a DJL run folder resumed with --engine fsdp, and the fsdp one with the DJL engine
    var e1 = assertThrows(lima.core.UserException.class, () -> FsdpEngine.run(FsdpTestSupport.parity("fsdp").with("python", FsdpTestSupport.python(),
        "epochs", 2), model, data, copy(djl, t.resolve("a")), false, true, false, new PrintWriter(new StringWriter())));
    assertTrue(e1.getMessage().contains("engine: djl there, fsdp now"), e1.getMessage());
    var e2 = assertThrows(lima.core.UserException.class, () -> FineTune.run(FsdpTestSupport.parity("djl"), model, data, copy(fsdp, t.resolve("b")), false, true));
    assertTrue(e2.getMessage().contains("engine: fsdp there, djl now"), e2.getMessage());
  }

  static Path copy(Path from, Path to) throws Exception {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        if (p.getFileName().toString().equals(".lock")) continue;
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
    return to;
  }
}
