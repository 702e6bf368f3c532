package lima.core;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {
  @Test
  void deliversEveryByteInOrderWhateverTheChunking() throws IOException {
    long seed = 11;
    System.out.println("ReadAheadInputStreamTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    byte[] data = new byte[100_003];
    for (int i = 0; i < data.length; i++) data[i] = (byte) r.nextInt(256);
    for (int chunk : new int[] {1, 7, 4096, 1 << 20}) {
      try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data), chunk, 3, "test")) {
        assertArrayEquals(data, in.readAllBytes(), "chunk " + chunk);
        assertEquals(-1, in.read());
      }
    }
  }

  @Test
  void anErrorComesAfterTheBytesReadBeforeIt() throws IOException {
    InputStream failing =
        new InputStream() {
          int left = 10;

          @Override
          public int read() throws IOException {
            if (left-- > 0) return 'a';
            throw new IOException("truncated source");
          }
        };
    try (InputStream in = new ReadAheadInputStream(failing, 4, 2, "test")) {
      byte[] got = new byte[10];
      int n = 0;
      while (n < 10) n += in.read(got, n, 10 - n);
      assertEquals("aaaaaaaaaa", new String(got, java.nio.charset.StandardCharsets.US_ASCII));
      IOException e = assertThrows(IOException.class, () -> in.read(new byte[4], 0, 4));
      assertEquals("truncated source", e.getMessage());
    }
  }
}
