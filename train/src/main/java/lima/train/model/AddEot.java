package lima.train.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.UserException;
import lima.train.chat.ChatFormat;
import lima.train.safetensors.DType;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.TokenizerFiles;
import lima.train.tokenizer.Tokenizers;

/**
 * Prepares a base model for the LIMA chat layout: copies the folder with {@value ChatFormat#EOT_TOKEN} added
 * to the tokenizer (next free id) and the model's vocabulary grown to hold it when needed (new rows = mean
 * of the existing ones). Weights are stored in the config's torch_dtype. A model that already has the token
 * is copied unchanged.
 */
public final class AddEot {
  private AddEot() {}

  /** What was done. */
  public record Result(int eotId, int oldVocab, int newVocab, Path out) {}

  public static Result run(Path src, Path dst) throws IOException {
    if (Files.exists(dst) && !Files.isDirectory(dst)) throw new UserException(dst + ": exists and is not a folder");
    if (src.toAbsolutePath().normalize().equals(dst.toAbsolutePath().normalize())) throw new UserException(dst + ": must differ from the source folder");
    Files.createDirectories(dst);
    TokenizerFiles.copy(src, dst);
    int eot = TokenizerFiles.addSpecialToken(dst, ChatFormat.EOT_TOKEN);
    int tokVocab;
    try (LimaTokenizer t = Tokenizers.open(dst)) {
      tokVocab = t.vocabSize();
    }
    try (NDManager m = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch")) {
      LlamaModel model = LlamaModel.load(src, m);
      int old = model.config().vocabSize();
      LlamaModel out = model;
      if (tokVocab > old) {
        out = model.withAddedTokens(tokVocab - old, m);
        model.close();
      }
      try {
        out.save(dst, DType.forTorch(out.config().torchDtype()));
      } finally {
        out.close();
      }
      return new Result(eot, old, Math.max(old, tokVocab), dst);
    }
  }
}
