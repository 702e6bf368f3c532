package lima.train.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import lima.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizedDatasetTest {

  static TokenizedExample random(SplittableRandom r, int i) {
    int n = r.nextInt(0, 40);
    int[] ids = new int[n];
    boolean[] m = new boolean[n];
    for (int k = 0; k < n; k++) {
      ids[k] = r.nextInt(-5, 70000);
      m[k] = r.nextBoolean();
    }
    return new TokenizedExample("ex-" + i, i % 2 == 0 ? "a" : "b", ids, m, n + (i % 3 == 0 ? 7 : 0));
  }

  @Test
  void roundTripsAcrossShardsWithRandomAccess(@TempDir Path dir) throws Exception {
    long seed = System.nanoTime();
    System.out.println("seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    List<TokenizedExample> all = new ArrayList<>();
    try (var w = new TokenizedDataset.Writer(dir, 50)) {
      for (int i = 0; i < 30; i++) {
        var e = random(r, i);
        all.add(e);
        w.add(e);
      }
      w.commit();
    }
    try (var ds = TokenizedDataset.open(dir)) {
      assertEquals(30, ds.size());
      assertTrue(Files.exists(dir.resolve("shard-00001.ids")), "small shard size must give several shards");
      for (int i = 29; i >= 0; i--) assertEquals(all.get(i), ds.get(i), "example " + i);
      assertEquals(all.stream().mapToLong(TokenizedExample::trainedTokens).sum(), ds.trainedTokens());
    }
  }

  @Test
  void idsAreLittleEndianInt32AndMasksOneBytePerToken(@TempDir Path dir) throws Exception {
    try (var w = new TokenizedDataset.Writer(dir)) {
      w.add(new TokenizedExample("x", "s", new int[] {1, 32000, -1}, new boolean[] {false, true, true}, 3));
      w.commit();
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("shard-00000.ids"))).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(12, b.remaining());
    assertEquals(1, b.getInt());
    assertEquals(32000, b.getInt());
    assertEquals(-1, b.getInt());
    assertArrayEquals(new byte[] {0, 1, 1}, Files.readAllBytes(dir.resolve("shard-00000.mask")));
  }

  @Test
  void truncatedShardIsReportedWithTheFolder(@TempDir Path dir) throws Exception {
    try (var w = new TokenizedDataset.Writer(dir)) {
      w.add(new TokenizedExample("x", "s", new int[] {1, 2, 3, 4}, new boolean[4], 4));
      w.commit();
    }
    Files.write(dir.resolve("shard-00000.ids"), new byte[8]);
    var e = assertThrows(BadInputException.class, () -> TokenizedDataset.open(dir));
    assertTrue(e.getMessage().contains("shorter than its index"), e.getMessage());
  }

  @Test
  void uncommittedWriterLeavesNothing(@TempDir Path dir) throws Exception {
    try (var w = new TokenizedDataset.Writer(dir)) {
      w.add(new TokenizedExample("x", "s", new int[] {1}, new boolean[1], 1));
    }
    try (var s = Files.list(dir)) {
      assertEquals(0, s.count());
    }
  }
}
