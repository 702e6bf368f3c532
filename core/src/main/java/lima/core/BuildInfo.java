package lima.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version and git commit of this build (filled in by Maven resource filtering). */
public final class BuildInfo {
  private static final Properties PROPS = load();

  private BuildInfo() {}

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/lima/version.properties")) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      // Fall back to "unknown" below: a missing version never stops a run.
    }
    return p;
  }

  public static String version() {
    return PROPS.getProperty("version", "unknown");
  }

  public static String commit() {
    String c = PROPS.getProperty("commit", "unknown");
    return c.startsWith("${") ? "unknown" : c;
  }
}
