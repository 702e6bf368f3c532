package lima.curate.reddit;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Decodes on a second thread: a background reader fills chunks from {@code in} (the zstd decoder) while
 * the caller splits and parses lines, so decompression and parsing overlap. Bytes arrive in order; an
 * error of the source is raised to the caller only after every byte read before it, so "keep what was
 * read" holds for a truncated stream. Memory: at most {@code depth + 2} chunks.
 */
final class ReadAheadInputStream extends InputStream {
  private static final byte[] END = new byte[0];

  private record Chunk(byte[] data, int length, IOException error) {}

  private final BlockingQueue<Chunk> queue;
  private final Thread worker;
  private final InputStream in;
  private volatile boolean closed;
  private Chunk current;
  private int pos;

  ReadAheadInputStream(InputStream in, int chunkSize, int depth) {
    this.in = in;
    this.queue = new ArrayBlockingQueue<>(depth);
    this.worker =
        Thread.ofPlatform()
            .daemon()
            .name("zstd-read-ahead")
            .start(
                () -> {
                  byte[] buf = null;
                  int n = 0;
                  try {
                    while (!closed) {
                      buf = new byte[chunkSize];
                      n = 0;
                      while (n < buf.length) {
                        int r = in.read(buf, n, buf.length - n);
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
                    putQuietly(new Chunk(END, 0, new IOException(e.toString(), e)));
                  }
                });
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
      throw new java.io.InterruptedIOException("interrupted while reading ahead");
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
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
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
      worker.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    in.close();
  }
}
