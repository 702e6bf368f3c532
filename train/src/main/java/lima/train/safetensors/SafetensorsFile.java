package lima.train.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.Json;

/**
 * One {@code .safetensors} file, read through memory mappings: an 8-byte little-endian header length,
 * a JSON header naming each tensor's dtype, shape and byte range, then the raw data. Files of any size
 * are read (each read maps at most {@link #MAX_MAPPING} bytes at a time); F16 and BF16 are widened to
 * F32 in Java because DJL cannot hold BF16 on the CPU.
 */
public final class SafetensorsFile implements Closeable {
  /** Largest single mapping; a Java buffer is indexed by int. */
  static final long MAX_MAPPING = 1L << 30;

  private final Path file;
  private final FileChannel channel;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path file, FileChannel channel, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens and checks the header; the data is read only when asked for. */
  public static SafetensorsFile open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = ch.size();
      if (size < 8) throw new BadInputException(file + ": not a safetensors file (" + size + " bytes)");
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.getLong(0);
      if (headerLen <= 1 || headerLen > 100_000_000L || headerLen > size - 8)
        throw new BadInputException(file + ": not a safetensors file (header length " + headerLen + " for a file of " + size + " bytes)");
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8);
      JsonNode header;
      try {
        header = Json.MAPPER.readTree(new String(hb.array(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new BadInputException(file + ": safetensors header is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
      }
      if (header == null || !header.isObject()) throw new BadInputException(file + ": safetensors header is not a JSON object");
      long dataStart = 8 + headerLen;
      long dataSize = size - dataStart;
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      Map<String, String> meta = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        var e = it.next();
        String name = e.getKey();
        JsonNode t = e.getValue();
        if (name.equals("__metadata__")) {
          if (t.isObject()) t.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        tensors.put(name, parseEntry(file, name, t, dataStart, dataSize));
      }
      return new SafetensorsFile(file, ch, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(meta));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static TensorInfo parseEntry(Path file, String name, JsonNode t, long dataStart, long dataSize) {
    String where = file + ": tensor " + name;
    if (!t.isObject() || !t.path("dtype").isTextual() || !t.path("shape").isArray() || !t.path("data_offsets").isArray() || t.get("data_offsets").size() != 2)
      throw new BadInputException(where + ": expected {dtype, shape, data_offsets:[begin,end]}");
    String dt = t.get("dtype").asText();
    DType dtype = DType.parse(dt);
    if (dtype == null) throw new BadInputException(where + ": dtype " + dt + " is not supported (expected F32, F16 or BF16)");
    long[] shape = new long[t.get("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = t.get("shape").get(i);
      if (!d.canConvertToLong() || d.asLong() < 0) throw new BadInputException(where + ": bad shape " + t.get("shape"));
      shape[i] = d.asLong();
    }
    long begin = t.get("data_offsets").get(0).asLong(-1);
    long end = t.get("data_offsets").get(1).asLong(-1);
    long n = 1;
    for (long d : shape) n = Math.multiplyExact(n, d);
    if (begin < 0 || end < begin || end > dataSize)
      throw new BadInputException(where + ": data_offsets [" + begin + ", " + end + "] outside the data section of " + dataSize + " bytes");
    if (end - begin != n * dtype.bytes())
      throw new BadInputException(where + ": " + (end - begin) + " bytes for " + n + " " + dtype + " elements (expected " + n * dtype.bytes() + ")");
    return new TensorInfo(name, dtype, shape, file, dataStart + begin, dataStart + end);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) throw new BadInputException("unexpected end of file");
      pos += n;
    }
  }

  public Path file() {
    return file;
  }

  /** Tensors in header order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Reads a tensor of this file as little-endian fp32 into {@code dst} from its position on (which
   * advances by 4 bytes per element), widening F16/BF16.
   */
  public void readFloats(TensorInfo t, ByteBuffer dst) throws IOException {
    if (!t.file().equals(file)) throw new IllegalArgumentException(t.name() + " is not in " + file);
    long elements = t.elements();
    if (dst.remaining() < elements * 4)
      throw new IllegalArgumentException(t.name() + ": destination has room for " + dst.remaining() / 4 + " floats, need " + elements);
    ByteBuffer out = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int es = t.dtype().bytes();
    long chunkElems = MAX_MAPPING / es;
    long done = 0;
    while (done < elements) {
      long n = Math.min(chunkElems, elements - done);
      MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, t.start() + done * es, n * es);
      m.order(ByteOrder.LITTLE_ENDIAN);
      switch (t.dtype()) {
        case F32 -> out.asFloatBuffer().put(m.asFloatBuffer());
        case F16 -> {
          var fb = out.asFloatBuffer();
          var sb = m.asShortBuffer();
          for (int i = 0, k = (int) n; i < k; i++) fb.put(Float.float16ToFloat(sb.get(i)));
        }
        case BF16 -> {
          var fb = out.asFloatBuffer();
          var sb = m.asShortBuffer();
          for (int i = 0, k = (int) n; i < k; i++) fb.put(DType.bf16ToFloat(sb.get(i)));
        }
      }
      out.position(out.position() + (int) (n * 4));
      done += n;
    }
    dst.position(dst.position() + (int) (elements * 4));
  }

  /** Reads a (small) tensor into a Java array. */
  public float[] readFloatArray(String name) throws IOException {
    TensorInfo t = tensors.get(name);
    if (t == null) throw new BadInputException(file + ": no tensor named " + name);
    if (t.elements() > Integer.MAX_VALUE / 4) throw new IllegalArgumentException(name + " is too large for a Java array");
    ByteBuffer b = ByteBuffer.allocate((int) t.elements() * 4).order(ByteOrder.LITTLE_ENDIAN);
    readFloats(t, b);
    float[] f = new float[(int) t.elements()];
    b.flip();
    b.asFloatBuffer().get(f);
    return f;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
