package lima.train.fsdp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.RunDir;
import lima.train.fit.TrainConfig;
import lima.train.model.LlamaConfig;
import lima.train.model.TinyModel;
import lima.train.tokenize.Tokenize;
import org.junit.jupiter.api.Assumptions;

/** Shared by the fsdp engine's tests: the Python with torch, a tiny model and dataset, the parity settings. */
final class FsdpTestSupport {
  private FsdpTestSupport() {}

  private static String python;
  private static String whyNot;

  /**
   * The Python that runs the worker: {@code -Dlima.python} (make test passes $(LIMA_VENV)/bin/python), then
   * {@code LIMA_PYTHON}, then the default venv; the test is skipped, saying so, when none has torch >= 2.7.
   */
  static synchronized String python() {
    if (python == null && whyNot == null) {
      List<String> candidates = new ArrayList<>();
      String p = System.getProperty("lima.python");
      if (p != null && !p.isBlank()) candidates.add(p);
      String e = System.getenv("LIMA_PYTHON");
      if (e != null && !e.isBlank()) candidates.add(e);
      candidates.add(System.getProperty("user.home") + "/.cache/lima/venv-torch2.7.1/bin/python");
      for (String c : candidates) {
        if (!Files.isExecutable(Path.of(c))) continue;
        try {
          Path tmp = Files.createTempDirectory("lima-fsdp-check");
          FsdpLauncher.check(c, WorkerPackage.unpack(tmp));
          python = c;
          break;
        } catch (IOException | RuntimeException ex) {
          whyNot = c + ": " + ex.getMessage();
        }
      }
      if (python == null && whyNot == null) whyNot = "none of " + candidates + " exists";
    }
    Assumptions.assumeTrue(python != null, "skipped: no Python with torch>=2.7 for the fsdp engine (" + whyNot + "); run make venv or pass -Dlima.python=PATH");
    return python;
  }

  /** A 4-layer LLaMA (GQA, untied head) over the character vocabulary, without EOT, so training grows both embedding and head. */
  static Path tinyModel(Path dir) throws IOException {
    LlamaConfig c = new LlamaConfig(32, 4, 4, 2, 64, 1e-5, 10000.0, false, 1, List.of(2), 256, TinyModel.CHAR_VOCAB, 8, "float32");
    TinyModel.write(dir, c, 11, false);
    return dir;
  }

  /** Eleven conversations of uneven lengths (some with two assistant turns), tokenized for the tiny model. */
  static Path tinyData(Path dir, Path model) throws IOException {
    Path src = dir.resolveSibling(dir.getFileName() + ".jsonl");
    StringBuilder sb = new StringBuilder();
    String[] answers = {"Yes.", "Tea is brewed from leaves; steep it for three minutes.", "No, never.", "A cat sleeps a lot, often sixteen hours a day.",
        "Rain.", "Because light scatters in the air, the sky looks blue.", "Ok", "Count to ten, slowly, and breathe.", "Two.",
        "Bread needs flour, water, salt and time.", "Sure: a, b, c."};
    for (int i = 0; i < answers.length; i++) {
      String conv = i % 4 == 1 ? "[\"Question " + i + "?\", \"" + answers[i] + "\", \"And more?\", \"More: " + answers[(i + 3) % 11] + "\"]"
          : "[\"Question number " + i + ", please?\", \"" + answers[i] + "\"]";
      sb.append("{\"id\": \"ex").append(i).append("\", \"source\": \"test\", \"conversations\": ").append(conv).append("}\n");
    }
    Files.writeString(src, sb.toString());
    try (RunDir run = RunDir.open(new RunDir.Options(dir, false, 0, -1))) {
      Tokenize.run(List.of(src), model, 256, run);
    }
    return dir;
  }

  /**
   * The parity recipe: 2 epochs of 3 steps (batch 5 of 11 examples: 5, 5, 1), micro-batches of 2 (so one rank
   * gets fewer micro-batches), dropout 0, clipping on, one thread.
   */
  static TrainConfig parity(String engine) {
    return TrainConfig.of("epochs", 2, "batch", 5, "micro-batch", 2, "lr", 2e-3, "final-lr", 2e-4, "dropout-top", 0.0, "clip", 1.0, "threads", 1,
        "max-len", 256, "engine", engine);
  }
}
