package lima.train.fit;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.TestData;
import lima.train.model.LlamaConfig;
import lima.train.tokenize.Tokenize;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tunes the real stories260K (Hugging Face layout) on the first released LIMA examples. */
@Tag("real-data")
class Stories260KFineTuneTest {

  @Test
  void lossFallsOnLimaExamples(@TempDir Path tmp) throws Exception {
    Path model = TestData.real("models/stories260K-hf-DERIVED");
    Path lima = TestData.real("data/lima/lima_train_first1000.jsonl");
    Assumptions.assumeTrue(Files.isDirectory(model) && Files.isRegularFile(lima), "skipped: " + model + " or " + lima + " is not available");
    Path few = tmp.resolve("few.jsonl");
    Files.write(few, Files.readAllLines(lima).subList(0, 8));
    Path data = tmp.resolve("data");
    Tokenize.Result tr;
    try (RunDir run = RunDir.open(new RunDir.Options(data, false, 0, -1))) {
      tr = Tokenize.run(List.of(few), model, 192, run);
    }
    assertEquals(8, tr.examples());
    assertEquals(512, tr.eotId(), "EOT follows the 512 SentencePiece pieces");
    TrainConfig c = TrainConfig.of("epochs", 6, "lr", 2e-3, "final-lr", 2e-4, "batch", 4, "micro-batch", 2, "dropout-top", 0.2, "max-len", 192, "clip", 1.0);
    Path out = tmp.resolve("out");
    Trainer.Result r;
    try (RunDir run = RunDir.open(new RunDir.Options(out, false, 42, -1))) {
      r = new Trainer(c, LlamaTrainable::load).run(model, data, run, false);
    }
    assertTrue(r.finished());
    assertEquals(12, r.metrics().size());
    double firstEpoch = epochLoss(r.metrics().subList(0, 2));
    double lastEpoch = epochLoss(r.metrics().subList(10, 12));
    assertTrue(lastEpoch < 0.8 * firstEpoch, "mean loss epoch 1 " + firstEpoch + " -> epoch 6 " + lastEpoch);
    LlamaConfig fin = LlamaConfig.read(out.resolve("final"));
    assertEquals(513, fin.vocabSize(), "embedding grown by the EOT row");
    assertTrue(fin.tieWordEmbeddings());
    JsonNode added = Json.MAPPER.readTree(out.resolve("final/added_tokens.json").toFile());
    assertEquals(512, added.get("<|eot|>").asInt());
    assertTrue(Files.isRegularFile(out.resolve("final/tokenizer.model")));
  }

  /** Token-weighted mean loss of some steps (a step without trained tokens has no loss). */
  static double epochLoss(List<Metrics.Metric> steps) {
    double sum = 0;
    long n = 0;
    for (Metrics.Metric m : steps)
      if (m.trainedTokens() > 0) {
        sum += m.loss() * m.trainedTokens();
        n += m.trainedTokens();
      }
    return sum / n;
  }
}
