package lima.train.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.UserException;

/** Opens the tokenizer of a model folder, or a {@code tokenizer.json} / {@code tokenizer.model} file. */
public final class Tokenizers {
  private Tokenizers() {}

  /**
   * A folder: {@code tokenizer.json} when present (what transformers' fast tokenizer uses), else {@code
   * tokenizer.model}. A file: by its name ({@code .json} or SentencePiece otherwise). Special tokens come
   * from the tokenizer_config.json / special_tokens_map.json / added_tokens.json beside it.
   */
  public static LimaTokenizer open(Path path) throws IOException {
    Path file = resolve(path);
    SpecialTokens st = SpecialTokens.read(file.toAbsolutePath().getParent());
    return file.getFileName().toString().endsWith(".json") ? new HfJsonTokenizer(file, st) : new SentencePieceTokenizer(file, st);
  }

  /** The tokenizer file {@link #open} would read. */
  public static Path resolve(Path path) {
    if (Files.isDirectory(path)) {
      Path json = path.resolve("tokenizer.json");
      if (Files.isRegularFile(json)) return json;
      Path model = path.resolve("tokenizer.model");
      if (Files.isRegularFile(model)) return model;
      throw new UserException(path + ": no tokenizer.json or tokenizer.model in this folder");
    }
    if (!Files.isRegularFile(path)) throw new UserException(path + ": no such tokenizer file");
    return path;
  }
}
