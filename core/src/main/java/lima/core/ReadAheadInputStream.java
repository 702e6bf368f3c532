package lima.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a slow source (7z or zstd decompression) on its own thread, a few chunks ahead of the consumer
 * (an XML or JSON parser), so decompression and parsing use two cores. Bytes arrive in order; an error
 * of the source is raised to the consumer only after every byte read before it, so "keep what was read"
 * holds for a truncated stream. Memory: at most {@code depth + 2} chunks of {@code chunkSize} bytes.
 */
public final class ReadAheadInputStream extends InputStream {
  private static final byte[] END = new byte[0];

  private record Chunk(byte[] data, int length, IOException error) {}

  private final BlockingQueue<Chunk> queue;
  private final Thread worker;
  private final InputStream in;
  private volatile boolean closed;
  private Chunk current;
  private int pos;

  /** Starts the reader thread, named {@code read-ahead NAME}. */
  public ReadAheadInputStream(InputStream in, int chunkSize, int depth, String name) {
    if (chunkSize < 1 || depth < 1) throw new IllegalArgumentException("bad read-ahead size: " + chunkSize + " x " + depth);
    this.in = in;
    this.queue = new ArrayBlockingQueue<>(depth);
    this.worker = Thread.ofPlatform().daemon().name("read-ahead " + name).start(() -> fill(chunkSize));
  }

  private void fill(int chunkSize) {
    byte[] buf = null;
    int n = 0;
    try {
      while (!closed) {
        buf = new byte[chunkSize];
        n = 0;
        while (n < chunkSize) {
          int r = in.read(buf, n, chunkSize - n);
          if (r < 0) break;
          n += r;
        }
        Chunk full = new Chunk(buf, n, null);
        buf = null;
        if (full.length() > 0) queue.put(full);
        if (full.length() < chunkSize) {
          queue.put(new Chunk(END, 0, null));
          return;
        }
      }
    } catch (IOException e) {
      // what was decoded before the error still reaches the reader
      if (buf != null && n > 0) putQuietly(new Chunk(buf, n, null));
      putQuietly(new Chunk(END, 0, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      putQuietly(new Chunk(END, 0, new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e)));
    }
  }

  private void putQuietly(Chunk c) {
    try {
      queue.put(c);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean next() throws IOException {
    if (current != null && current.data() == END) {
      if (current.error() != null) throw current.error();
      return false;
    }
    try {
      current = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading ahead");
    }
    pos = 0;
    if (current.data() == END) {
      if (current.error() != null) throw current.error();
      return false;
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    while (current == null || current.data() == END || pos >= current.length()) {
      if (!next()) return -1;
    }
    return current.data()[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    while (current == null || current.data() == END || pos >= current.length()) {
      if (!next()) return -1;
    }
    int n = Math.min(len, current.length() - pos);
    System.arraycopy(current.data(), pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    worker.interrupt();
    queue.clear();
    try {
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    in.close();
  }
}
