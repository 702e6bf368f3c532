package lima.cli;

import java.io.IOException;
import java.nio.file.Path;
import lima.core.SourceStats;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;

/** Opens a token counter for {@code lima stats --tokenizer}: each utterance alone, no BOS/EOS. */
final class TokenCounters {
  private TokenCounters() {}

  static SourceStats.TokenCounter open(Path tokenizer) throws IOException {
    LimaTokenizer tok = Tokenizers.open(tokenizer);
    return text -> tok.encode(text).length;
  }
}
