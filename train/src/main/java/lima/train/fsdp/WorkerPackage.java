package lima.train.fsdp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.AtomicFiles;

/**
 * The Python package {@code lima_fsdp} (python/lima_fsdp in the repository) as the jar carries it: unpacked into
 * {@code OUT/worker/lima_fsdp/} before a launch, so the run folder holds the exact code its ranks ran and
 * {@code PYTHONPATH=OUT/worker} is all a node needs (with a shared file system, also on the other nodes).
 */
public final class WorkerPackage {
  /** Every file of the package (a test keeps this list equal to python/lima_fsdp/*.py). */
  public static final List<String> FILES = List.of("__init__.py", "__main__.py", "check.py", "data.py", "dropout.py", "model.py", "safetensors_io.py", "worker.py");
  public static final String DIR = "worker";
  private static final String RESOURCE = "/lima/fsdp/lima_fsdp/";

  private WorkerPackage() {}

  /** Writes the package under {@code OUT/worker/} and returns that folder (the PYTHONPATH entry). */
  public static Path unpack(Path out) throws IOException {
    Path root = out.toAbsolutePath().normalize().resolve(DIR);
    Path pkg = root.resolve("lima_fsdp");
    Files.createDirectories(pkg);
    for (String f : FILES) {
      try (InputStream in = WorkerPackage.class.getResourceAsStream(RESOURCE + f)) {
        if (in == null) throw new IllegalStateException("the build lacks the fsdp worker file " + RESOURCE + f + " (rebuild with make build)");
        byte[] bytes = in.readAllBytes();
        AtomicFiles.write(pkg.resolve(f), os -> os.write(bytes));
      }
    }
    return root;
  }
}
