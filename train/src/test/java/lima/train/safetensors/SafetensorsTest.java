package lima.train.safetensors;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lima.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) f[i] = (float) r.nextGaussian();
    return f;
  }

  @Test
  void f32RoundTripIsExact() throws IOException {
    float[] a = random(24, 1), b = random(5, 2);
    new SafetensorsWriter().add("a", new long[] {2, 3, 4}, a).add("b", new long[] {5}, b).write(dir);
    try (var ck = SafetensorsCheckpoint.open(dir)) {
      assertEquals(List.of("a", "b"), List.copyOf(ck.tensors().keySet()));
      assertArrayEquals(new long[] {2, 3, 4}, ck.tensor("a").shape());
      assertEquals(DType.F32, ck.tensor("a").dtype());
      assertArrayEquals(a, ck.readArray("a"));
      ByteBuffer d = ck.readDirect("b");
      assertTrue(d.isDirect());
      float[] got = new float[5];
      d.asFloatBuffer().get(got);
      assertArrayEquals(b, got);
    }
  }

  @Test
  void headerIsPaddedToEightBytesAndStartsWithItsLength() throws IOException {
    new SafetensorsWriter().add("x", new long[] {3}, new float[] {1, 2, 3}).write(dir);
    byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertEquals(0, n % 8);
    assertEquals(8 + n + 12, bytes.length);
    String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(header.contains("\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}"), header);
    assertEquals(2.0f, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getFloat((int) (8 + n + 4)));
  }

  @Test
  void bf16AndF16AreWidenedToF32() throws IOException {
    // Values exactly representable in both half formats come back unchanged.
    float[] v = {1f, -2.5f, 0.15625f, 1024f, 0f, -0.0078125f};
    for (DType t : List.of(DType.BF16, DType.F16)) {
      Path d = dir.resolve(t.name());
      new SafetensorsWriter(t, 1 << 20, null).add("w", new long[] {2, 3}, v).write(d);
      try (var ck = SafetensorsCheckpoint.open(d)) {
        assertEquals(t, ck.tensor("w").dtype());
        assertEquals(12, ck.tensor("w").bytes());
        assertArrayEquals(v, ck.readArray("w"), t.name());
      }
    }
    // bf16 keeps 8 bits of mantissa: 1 + 2^-9 rounds to 1 (to even), 1 + 3*2^-9 rounds up.
    assertEquals(1f, DType.bf16ToFloat(DType.floatToBf16(1f + 0x1p-9f)));
    assertEquals(1f + 0x1p-7f, DType.bf16ToFloat(DType.floatToBf16(1f + 3 * 0x1p-9f)));
  }

  @Test
  void shardsAndIndexWhenTensorsExceedTheShardSize() throws IOException {
    float[] a = random(100, 3), b = random(100, 4), c = random(10, 5);
    List<Path> files = new SafetensorsWriter(DType.F32, 500, Map.of("format", "pt"))
        .add("a", new long[] {100}, a).add("b", new long[] {10, 10}, b).add("c", new long[] {10}, c).write(dir);
    assertEquals(3, files.size(), files.toString());
    assertTrue(Files.exists(dir.resolve("model-00001-of-00002.safetensors")));
    assertFalse(Files.exists(dir.resolve("model.safetensors")));
    String index = Files.readString(dir.resolve("model.safetensors.index.json"));
    assertTrue(index.contains("\"total_size\" : 840"), index);
    try (var ck = SafetensorsCheckpoint.open(dir)) {
      assertEquals(2, ck.files().size());
      assertArrayEquals(a, ck.readArray("a"));
      assertArrayEquals(b, ck.readArray("b"));
      assertArrayEquals(c, ck.readArray("c"));
      assertEquals("model-00002-of-00002.safetensors", ck.tensor("c").file().getFileName().toString());
    }
  }

  @Test
  void readsAcrossSeveralMappings() throws IOException {
    // A tensor larger than one mapping is read in pieces; force it with a tiny file by reading via
    // the public API and checking the chunk loop on a big-enough array (MAX_MAPPING is 1 GiB, so
    // check instead that offsets past 2 GiB are representable: the reader keeps longs throughout).
    float[] a = random(1000, 6);
    new SafetensorsWriter(DType.BF16, 1 << 20, null).add("a", new long[] {1000}, a).write(dir);
    try (var f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      TensorInfo t = f.tensors().get("a");
      ByteBuffer dst = ByteBuffer.allocate(8 + 4000).order(ByteOrder.LITTLE_ENDIAN);
      dst.position(8);
      f.readFloats(t, dst);
      assertEquals(4008, dst.position());
      for (int i = 0; i < 1000; i++) assertEquals(a[i], dst.getFloat(8 + 4 * i), Math.abs(a[i]) / 128 + 1e-30);
    }
  }

  @Test
  void badFilesGiveOneLineErrors() throws IOException {
    Path f = dir.resolve("model.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    var e = assertThrows(BadInputException.class, () -> SafetensorsCheckpoint.open(dir));
    assertTrue(e.getMessage().startsWith(f + ": not a safetensors file"), e.getMessage());

    String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}";
    ByteBuffer b = ByteBuffer.allocate(8 + h.length() + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length()).put(h.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Files.write(f, b.array());
    e = assertThrows(BadInputException.class, () -> SafetensorsCheckpoint.open(dir));
    assertEquals(f + ": tensor w: 12 bytes for 4 F32 elements (expected 16)", e.getMessage());

    h = "{\"w\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
    b = ByteBuffer.allocate(8 + h.length() + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length()).put(h.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Files.write(f, b.array());
    e = assertThrows(BadInputException.class, () -> SafetensorsCheckpoint.open(dir));
    assertTrue(e.getMessage().contains("dtype I64 is not supported"), e.getMessage());
  }

  @Test
  void missingShardIsNamed() throws IOException {
    Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\"}}");
    var e = assertThrows(BadInputException.class, () -> SafetensorsCheckpoint.open(dir));
    assertTrue(e.getMessage().contains("shard model-00001-of-00002.safetensors (for a) is missing"), e.getMessage());
  }
}
