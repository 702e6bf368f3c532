package lima.train.optim;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restoring an optimizer state (what {@code lima train --resume} does) prints nothing on stderr. libtorch writes
 * its warnings straight to file descriptor 2, once per process, so the restore runs in a child JVM.
 */
class AdamWQuietLoadTest {
  @TempDir Path dir;

  /** The child: saves a state with non-zero moments, restores it into a fresh optimizer, checks the bytes. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    try (NDManager mgr = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch")) {
      NDArray w = mgr.create(new float[] {1, -2, 3, -4, 5, -6}, new Shape(2, 3));
      w.setRequiresGradient(true);
      try (AdamW a = new AdamW(mgr, List.of(AdamW.Param.of("w", w)), AdamW.Settings.LIMA)) {
        try (var gc = Engine.getInstance().newGradientCollector()) {
          gc.backward(w.mul(w).sum());
        }
        a.update(1e-3);
        a.save(file);
      }
      byte[] saved = Files.readAllBytes(file);
      try (AdamW b = new AdamW(mgr, List.of(AdamW.Param.of("w", w)), AdamW.Settings.LIMA)) {
        b.load(file);
        Path again = file.resolveSibling("again.bin");
        b.save(again);
        if (!java.util.Arrays.equals(saved, Files.readAllBytes(again))) throw new AssertionError("restored state differs");
      }
    }
    System.out.println("ok");
  }

  @Test
  void restoringAStatePrintsNoLibtorchWarning() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path err = dir.resolve("err.txt");
    Path out = dir.resolve("out.txt");
    Process p = new ProcessBuilder(javaBin, "-Xmx512m", "-Dai.djl.offline=true", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), AdamWQuietLoadTest.class.getName(), dir.resolve("opt.bin").toString())
        .redirectError(err.toFile())
        .redirectOutput(out.toFile())
        .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish");
    String stderr = Files.readString(err);
    assertEquals(0, p.exitValue(), "child failed: " + stderr);
    assertTrue(Files.readString(out).startsWith("ok"), Files.readString(out));
    assertEquals("", stderr, "stderr of a state restore");
  }
}
