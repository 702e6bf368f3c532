package lima.train.fit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.UserException;
import lima.train.chat.ChatFormat;
import lima.train.tokenize.EotToken;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;

/** What {@code lima train} reads from, and checks of, a tokenized dataset. */
public final class DatasetInfo {
  private DatasetInfo() {}

  /** The tokenizer's vocabulary size (with the end-of-turn token), or 0 when unknown. */
  public static int vocab(Path dataDir) throws IOException {
    Path f = dataDir.resolve("dataset.json");
    if (!Files.isRegularFile(f)) return 0;
    return Json.MAPPER.readTree(f.toFile()).path("vocab_size").asInt(0);
  }

  /**
   * Refuses a dataset tokenized for another model: its {@code tokenizer/} must hold exactly the files
   * {@code lima tokenize} writes for {@code modelDir}, the model's own tokenizer plus {@value
   * ChatFormat#EOT_TOKEN}. (Training on another tokenizer's ids "works" and learns nothing useful.)
   */
  public static void checkTokenizer(Path modelDir, Path dataDir) throws IOException {
    Path theirs = dataDir.resolve(Trainer.DATA_TOKENIZER);
    if (!Files.isDirectory(theirs))
      throw new UserException(dataDir + ": no " + Trainer.DATA_TOKENIZER + "/ folder; tokenize the data with lima tokenize --model " + modelDir);
    Path ours = Files.createTempDirectory("lima-tokenizer-check");
    try {
      EotToken.write(modelDir, ours);
      if (sameFiles(ours, theirs)) return;
      String made = tokenizedWith(dataDir);
      throw new UserException(String.format(Locale.ROOT,
          "%s was tokenized for another model: its tokenizer (%s%d tokens) is not %s's own plus %s (%d tokens); tokenize again with --model %s",
          dataDir, made == null ? "" : "from " + made + ", ", vocabOf(theirs), modelDir, ChatFormat.EOT_TOKEN, vocabOf(ours), modelDir));
    } finally {
      Checkpoints.deleteTree(ours);
    }
  }

  private static boolean sameFiles(Path a, Path b) throws IOException {
    List<String> fa = names(a), fb = names(b);
    if (!fa.equals(fb)) return false;
    for (String f : fa) if (!Arrays.equals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)))) return false;
    return true;
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static int vocabOf(Path tokDir) {
    try (LimaTokenizer t = Tokenizers.open(tokDir)) {
      return t.vocabSize();
    } catch (Exception e) {
      return -1;
    }
  }

  /** The --model the dataset was tokenized with, from its manifest, or null. */
  private static String tokenizedWith(Path dataDir) {
    try {
      var n = Json.MAPPER.readTree(dataDir.resolve(RunDir.MANIFEST).toFile());
      String m = n.path("config").path("model").asText("");
      return m.isEmpty() ? null : m;
    } catch (IOException e) {
      return null;
    }
  }
}
