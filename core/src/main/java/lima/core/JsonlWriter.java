package lima.core;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes JSON Lines to a temporary file that becomes {@code target} only on {@link #commit()}; closed
 * without commit (a crash, an exception) it leaves nothing under the target name.
 */
public final class JsonlWriter implements Closeable {
  private final Path target;
  private final Path tmp;
  private final OutputStream out;
  private long records;
  private boolean done;

  public JsonlWriter(Path target) throws IOException {
    this.target = target;
    this.tmp = AtomicFiles.tempFor(target);
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    this.out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
  }

  /** Writes one value (an Example, a Map, any Jackson-serialisable object) as one line. */
  public synchronized void write(Object value) throws IOException {
    JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out);
    Json.MAPPER.writeValue(g, value);
    g.flush();
    out.write('\n');
    records++;
  }

  public synchronized long records() {
    return records;
  }

  public Path target() {
    return target;
  }

  /** Finishes the file and renames it into place. */
  public synchronized void commit() throws IOException {
    if (done) return;
    out.close();
    AtomicFiles.commit(tmp, target);
    done = true;
  }

  @Override
  public synchronized void close() throws IOException {
    if (done) return;
    done = true;
    out.close();
    Files.deleteIfExists(tmp);
  }
}
