package lima.train.fsdp;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import lima.train.fit.TrainConfig;

/** A separate lima launcher process for tests that kill it: {@code MODEL DATA OUT CONFIG.json [resume]}. */
public final class FsdpRunMain {
  private FsdpRunMain() {}

  public static void main(String[] a) throws Exception {
    TrainConfig c = TrainConfig.resolve(Path.of(a[3]), Map.of());
    FsdpEngine.run(c, Path.of(a[0]), Path.of(a[1]), Path.of(a[2]), false, a.length > 4, false, new PrintWriter(System.out, true));
  }

  /** Starts this main in a new JVM with the test classpath. */
  static Process start(Path model, Path data, Path out, Path config, Path log) throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FsdpRunMain.class.getName(), model.toString(), data.toString(),
        out.toString(), config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
