package lima.cli;

import java.nio.file.Path;
import lima.core.SourceStats;
import lima.core.UserException;

/** Opens a token counter for {@code lima stats --tokenizer}; filled in by the tokenizer work in train. */
final class TokenCounters {
  private TokenCounters() {}

  static SourceStats.TokenCounter open(Path tokenizer) {
    throw new UserException("--tokenizer: token counts are not available in this build yet (" + tokenizer + ")");
  }
}
