package lima.core;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashingTest {
  @TempDir Path tmp;

  @Test
  void fileDigestIsTheSha256OfItsBytes() throws Exception {
    Path f = tmp.resolve("abc.txt");
    Files.writeString(f, "abc");
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hashing.sha256(f));
    assertEquals(Hashing.sha256("abc"), Hashing.sha256(f));
  }

  @Test
  void aRememberedDigestFollowsAChangedFile() throws Exception {
    Path f = tmp.resolve("x.txt");
    Files.writeString(f, "abc");
    Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    String first = Hashing.sha256(f);
    assertEquals(first, Hashing.sha256(f));
    Files.writeString(f, "abd"); // same size, new content and time
    Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2024-01-01T00:00:01Z")));
    assertEquals(Hashing.sha256("abd"), Hashing.sha256(f));
    Files.writeString(f, "abcd"); // other size, time set back to the first one's
    Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    assertEquals(Hashing.sha256("abcd"), Hashing.sha256(f));
    assertEquals(Hashing.sha256("abcd"), Hashing.sha256(tmp.resolve(".").resolve("x.txt")), "same file by another spelling");
  }

  @Test
  void aJustWrittenFileIsNotRememberedEvenIfRewrittenWithinTheSameClockTick() throws Exception {
    Path f = tmp.resolve("racy.txt");
    Files.writeString(f, "one");
    FileTime t = Files.getLastModifiedTime(f); // now: too recent to be remembered
    assertEquals(Hashing.sha256("one"), Hashing.sha256(f));
    Files.writeString(f, "two");
    Files.setLastModifiedTime(f, t); // same size, same time, as on a coarse file system clock
    assertEquals(Hashing.sha256("two"), Hashing.sha256(f));
  }
}
