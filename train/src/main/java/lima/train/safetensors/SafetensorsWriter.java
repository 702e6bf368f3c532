package lima.train.safetensors;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lima.core.AtomicFiles;
import lima.core.Json;

/**
 * Writes Hugging Face safetensors checkpoints: {@code model.safetensors}, or, when the tensors exceed
 * {@code maxShardBytes}, {@code model-0000i-of-0000n.safetensors} shards plus {@code
 * model.safetensors.index.json}. Each file is written under a temporary name and renamed into place.
 * Tensors are added as fp32 data and stored as F32, F16 or BF16.
 */
public final class SafetensorsWriter {
  /** A tensor to write: its fp32 data (read from position 0 to limit) and shape. */
  public record Entry(String name, long[] shape, FloatBuffer data) {}

  private final DType dtype;
  private final long maxShardBytes;
  private final Map<String, String> metadata;
  private final List<Entry> entries = new ArrayList<>();

  /** @param maxShardBytes largest shard (a tensor larger than this gets a shard of its own) */
  public SafetensorsWriter(DType dtype, long maxShardBytes, Map<String, String> metadata) {
    if (maxShardBytes <= 0) throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
    this.dtype = dtype;
    this.maxShardBytes = maxShardBytes;
    this.metadata = new TreeMap<>(metadata == null ? Map.of("format", "pt") : metadata);
  }

  /** fp32, shards of 5 GB (the Hugging Face default), metadata format=pt. */
  public SafetensorsWriter() {
    this(DType.F32, 5_000_000_000L, null);
  }

  public SafetensorsWriter add(String name, long[] shape, FloatBuffer data) {
    long n = 1;
    for (long d : shape) n *= d;
    if (data.remaining() != n)
      throw new IllegalArgumentException(name + ": " + data.remaining() + " values for shape " + java.util.Arrays.toString(shape));
    entries.add(new Entry(name, shape.clone(), data.duplicate()));
    return this;
  }

  public SafetensorsWriter add(String name, long[] shape, float[] data) {
    return add(name, shape, FloatBuffer.wrap(data));
  }

  /** Writes into {@code dir}; returns the files written (weights, then the index if any). */
  public List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<List<Entry>> shards = new ArrayList<>();
    List<Entry> cur = new ArrayList<>();
    long curBytes = 0;
    for (Entry e : entries) {
      long b = e.data().remaining() * (long) dtype.bytes();
      if (!cur.isEmpty() && curBytes + b > maxShardBytes) {
        shards.add(cur);
        cur = new ArrayList<>();
        curBytes = 0;
      }
      cur.add(e);
      curBytes += b;
    }
    if (!cur.isEmpty() || shards.isEmpty()) shards.add(cur);
    List<Path> written = new ArrayList<>();
    if (shards.size() == 1) {
      Path p = dir.resolve(SafetensorsCheckpoint.SINGLE);
      writeFile(p, shards.get(0));
      written.add(p);
      Files.deleteIfExists(dir.resolve(SafetensorsCheckpoint.INDEX));
      return written;
    }
    Map<String, String> weightMap = new TreeMap<>();
    long total = 0;
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format(java.util.Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size());
      Path p = dir.resolve(name);
      writeFile(p, shards.get(i));
      written.add(p);
      for (Entry e : shards.get(i)) {
        weightMap.put(e.name(), name);
        total += e.data().remaining() * (long) dtype.bytes();
      }
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("metadata", Map.of("total_size", total));
    index.put("weight_map", weightMap);
    Path idx = dir.resolve(SafetensorsCheckpoint.INDEX);
    AtomicFiles.writeString(idx, Json.PRETTY.writeValueAsString(index) + "\n");
    written.add(idx);
    Files.deleteIfExists(dir.resolve(SafetensorsCheckpoint.SINGLE));
    return written;
  }

  private void writeFile(Path p, List<Entry> list) throws IOException {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("__metadata__", metadata);
    long off = 0;
    for (Entry e : list) {
      long b = e.data().remaining() * (long) dtype.bytes();
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("dtype", dtype.name());
      t.put("shape", e.shape());
      t.put("data_offsets", new long[] {off, off + b});
      header.put(e.name(), t);
      off += b;
    }
    // Header order as added; Json.MAPPER sorts Map keys only for sorted maps, so use a plain writer.
    byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int pad = (8 - json.length % 8) % 8;
    byte[] padded = new byte[json.length + pad];
    System.arraycopy(json, 0, padded, 0, json.length);
    for (int i = json.length; i < padded.length; i++) padded[i] = ' ';
    AtomicFiles.write(
        p,
        out -> {
          ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded.length);
          out.write(len.array());
          out.write(padded);
          for (Entry e : list) writeData(out, e.data().duplicate());
        });
  }

  private void writeData(OutputStream out, FloatBuffer src) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    while (src.hasRemaining()) {
      buf.clear();
      while (src.hasRemaining() && buf.remaining() >= 4) {
        float f = src.get();
        switch (dtype) {
          case F32 -> buf.putFloat(f);
          case F16 -> buf.putShort(Float.floatToFloat16(f));
          case BF16 -> buf.putShort(DType.floatToBf16(f));
        }
      }
      out.write(buf.array(), 0, buf.position());
    }
  }
}
