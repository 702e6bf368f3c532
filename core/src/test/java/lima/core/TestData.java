package lima.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code ../shared} is: the {@code lima.shared} system property (set by the build to the checkout's
 * sibling), else {@code ../shared} or {@code ../../shared} from the working directory. Used by
 * {@code real-data} tests, which skip with a message when the folder is absent. Test code only: it is
 * published in lima-core's test jar, not in the product.
 */
public final class TestData {
  private TestData() {}

  public static Path shared() {
    String p = System.getProperty("lima.shared");
    if (p != null && Files.isDirectory(Path.of(p))) return Path.of(p);
    Path rel = Path.of("..", "shared");
    if (Files.isDirectory(rel)) return rel;
    return Path.of("..", "..", "shared");
  }

  /** A file or folder under {@code shared/real}, e.g. {@code real("data/lima/lima_train_first1000.jsonl")}. */
  public static Path real(String relative) {
    return shared().resolve("real").resolve(relative);
  }
}
