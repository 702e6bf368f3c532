package lima.train.fit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.Json;

/** What {@code lima train} reads from a tokenized dataset's {@code dataset.json}. */
final class DatasetInfo {
  private DatasetInfo() {}

  /** The tokenizer's vocabulary size (with the end-of-turn token), or 0 when unknown. */
  static int vocab(Path dataDir) throws IOException {
    Path f = dataDir.resolve("dataset.json");
    if (!Files.isRegularFile(f)) return 0;
    return Json.MAPPER.readTree(f.toFile()).path("vocab_size").asInt(0);
  }
}
