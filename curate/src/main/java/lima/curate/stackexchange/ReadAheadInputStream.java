package lima.curate.stackexchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a slow source (7z decompression) on its own thread, a few chunks ahead of the consumer (the
 * XML parser), so decompression and parsing use two cores. Memory is bounded: at most {@code depth}
 * chunks of {@code chunk} bytes are in flight. A read error on the source is rethrown to the consumer.
 */
final class ReadAheadInputStream extends InputStream {
  private static final byte[] EOF = new byte[0];

  private final InputStream source;
  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private byte[] current = new byte[0];
  private int pos;
  private int limit;
  private boolean eof;
  private volatile boolean closed;

  ReadAheadInputStream(InputStream source, int chunk, int depth, String name) {
    this.source = source;
    this.queue = new ArrayBlockingQueue<>(depth);
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name("read-ahead " + name)
            .start(
                () -> {
                  try {
                    while (!closed) {
                      byte[] buf = new byte[chunk];
                      int n = source.readNBytes(buf, 0, chunk);
                      if (n > 0) queue.put(n == chunk ? buf : java.util.Arrays.copyOf(buf, n));
                      if (n < chunk) break;
                    }
                    queue.put(EOF);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (IOException | RuntimeException e) {
                    try {
                      queue.put(e);
                    } catch (InterruptedException ie) {
                      Thread.currentThread().interrupt();
                    }
                  }
                });
  }

  private boolean fill() throws IOException {
    if (eof) return false;
    Object o;
    try {
      o = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading ahead");
    }
    if (o == EOF) {
      eof = true;
      return false;
    }
    if (o instanceof IOException e) {
      eof = true;
      throw new IOException(e.getMessage(), e);
    }
    if (o instanceof RuntimeException e) {
      eof = true;
      throw new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
    current = (byte[]) o;
    pos = 0;
    limit = current.length;
    return true;
  }

  @Override
  public int read() throws IOException {
    if (pos >= limit && !fill()) return -1;
    return current[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (pos >= limit && !fill()) return -1;
    int n = Math.min(len, limit - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    thread.interrupt();
    queue.clear();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    source.close();
  }
}
