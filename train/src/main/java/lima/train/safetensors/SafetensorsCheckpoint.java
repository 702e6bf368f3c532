package lima.train.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.UserException;

/**
 * The weights of a Hugging Face model folder: {@code model.safetensors}, or shards listed by {@code
 * model.safetensors.index.json} ({@code weight_map}: tensor name to shard file). A single {@code
 * .safetensors} file may also be opened directly.
 */
public final class SafetensorsCheckpoint implements Closeable {
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  private final Path location;
  private final List<SafetensorsFile> files;
  private final Map<String, TensorInfo> tensors;
  private final Map<Path, SafetensorsFile> byPath;

  private SafetensorsCheckpoint(Path location, List<SafetensorsFile> files, Map<String, TensorInfo> tensors) {
    this.location = location;
    this.files = files;
    this.tensors = tensors;
    this.byPath = new LinkedHashMap<>();
    for (SafetensorsFile f : files) byPath.put(f.file(), f);
  }

  /** True when {@code dir} holds weights this class can open. */
  public static boolean present(Path dir) {
    return Files.isRegularFile(dir.resolve(INDEX)) || Files.isRegularFile(dir.resolve(SINGLE));
  }

  /** Opens a folder (index first, then model.safetensors) or a single file. */
  public static SafetensorsCheckpoint open(Path location) throws IOException {
    if (Files.isRegularFile(location)) return single(location, location);
    if (!Files.isDirectory(location)) throw new UserException(location + ": no such model folder");
    Path index = location.resolve(INDEX);
    if (Files.isRegularFile(index)) return sharded(location, index);
    Path single = location.resolve(SINGLE);
    if (Files.isRegularFile(single)) return single(location, single);
    throw new UserException(location + ": no " + SINGLE + " or " + INDEX + " (only safetensors weights are read)");
  }

  private static SafetensorsCheckpoint single(Path location, Path file) throws IOException {
    SafetensorsFile f = SafetensorsFile.open(file);
    return new SafetensorsCheckpoint(location, List.of(f), f.tensors());
  }

  private static SafetensorsCheckpoint sharded(Path dir, Path index) throws IOException {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(index.toFile());
    } catch (IOException e) {
      throw new BadInputException(index + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject() || map.isEmpty()) throw new BadInputException(index + ": expected a non-empty \"weight_map\" object");
    Map<String, SafetensorsFile> shards = new TreeMap<>();
    List<SafetensorsFile> opened = new ArrayList<>();
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    try {
      for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
        var e = it.next();
        String shard = e.getValue().asText();
        if (shard.isEmpty() || shard.contains("/") || shard.contains("\\"))
          throw new BadInputException(index + ": tensor " + e.getKey() + " maps to a bad shard name \"" + shard + "\"");
        SafetensorsFile f = shards.get(shard);
        if (f == null) {
          Path p = dir.resolve(shard);
          if (!Files.isRegularFile(p)) throw new BadInputException(index + ": shard " + shard + " (for " + e.getKey() + ") is missing");
          f = SafetensorsFile.open(p);
          shards.put(shard, f);
          opened.add(f);
        }
        TensorInfo t = f.tensors().get(e.getKey());
        if (t == null) throw new BadInputException(index + ": tensor " + e.getKey() + " is not in its shard " + shard);
        tensors.put(e.getKey(), t);
      }
    } catch (IOException | RuntimeException e) {
      for (SafetensorsFile f : opened) f.close();
      throw e;
    }
    return new SafetensorsCheckpoint(dir, opened, Collections.unmodifiableMap(tensors));
  }

  public Path location() {
    return location;
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public List<Path> files() {
    return files.stream().map(SafetensorsFile::file).toList();
  }

  /** Reads one tensor as fp32 into a new direct little-endian buffer (positioned at 0). */
  public ByteBuffer readDirect(String name) throws IOException {
    TensorInfo t = tensor(name);
    long bytes = t.elements() * 4;
    if (bytes > Integer.MAX_VALUE)
      throw new UserException(location + ": tensor " + name + " has " + t.elements() + " elements; at most " + Integer.MAX_VALUE / 4 + " are supported");
    ByteBuffer b = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    byPath.get(t.file()).readFloats(t, b);
    b.flip();
    return b;
  }

  /** Reads a (small) tensor into a Java array. */
  public float[] readArray(String name) throws IOException {
    TensorInfo t = tensor(name);
    return byPath.get(t.file()).readFloatArray(name);
  }

  public TensorInfo tensor(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) throw new BadInputException(location + ": no tensor named " + name);
    return t;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafetensorsFile f : files) {
      try {
        f.close();
      } catch (IOException e) {
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }
}
