package lima.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lima.core.AtomicFiles;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.JsonlWriter;

/**
 * A tokenized dataset on disk, read by random access through memory-mapped shards.
 *
 * <p>Layout (see docs/tokenize.md): {@code shard-NNNNN.ids} holds token ids as little-endian int32,
 * {@code shard-NNNNN.mask} one byte per token (1 = trained on, 0 = context), both in example order;
 * {@code index.jsonl} has one line per example: {@code {"i", "id", "source", "shard", "offset",
 * "length", "original_length", "trained"}} with {@code offset} counted in tokens inside the shard.
 */
public final class TokenizedDataset implements Closeable {
  public static final String INDEX = "index.jsonl";
  public static final String FORMAT = "lima-tokenized-v1";
  /** Tokens per shard before a new one is started (1 GiB of ids). */
  public static final long DEFAULT_SHARD_TOKENS = 1L << 28;

  /** One index line. */
  public record Entry(int i, String id, String source, int shard, long offset, int length, int originalLength, int trained) {}

  private final Path dir;
  private final List<Entry> entries;
  private final List<IntBuffer> ids = new ArrayList<>();
  private final List<MappedByteBuffer> masks = new ArrayList<>();

  private TokenizedDataset(Path dir, List<Entry> entries, int shards) throws IOException {
    this.dir = dir;
    this.entries = entries;
    for (int s = 0; s < shards; s++) {
      ids.add(map(dir.resolve(idsName(s))).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer());
      masks.add(map(dir.resolve(maskName(s))));
    }
  }

  private static MappedByteBuffer map(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    }
  }

  static String idsName(int shard) {
    return String.format(Locale.ROOT, "shard-%05d.ids", shard);
  }

  static String maskName(int shard) {
    return String.format(Locale.ROOT, "shard-%05d.mask", shard);
  }

  /** Opens a folder written by {@link Writer}; checks the index against the shard sizes. */
  public static TokenizedDataset open(Path dir) throws IOException {
    Path index = dir.resolve(INDEX);
    if (!Files.isRegularFile(index))
      throw new BadInputException(dir + ": not a tokenized dataset (no " + INDEX + "; run lima tokenize first)");
    List<Entry> entries = new ArrayList<>();
    int shards = 0;
    long[] shardEnd = new long[0];
    int line = 0;
    for (String s : Files.readAllLines(index)) {
      line++;
      if (s.isBlank()) continue;
      JsonNode n;
      try {
        n = Json.MAPPER.readTree(s);
      } catch (IOException e) {
        throw new BadInputException(index + ":" + line + ": not JSON: " + e.getMessage());
      }
      for (String k : List.of("shard", "offset", "length", "original_length", "trained"))
        if (!n.path(k).canConvertToLong())
          throw new BadInputException(index + ":" + line + ": field \"" + k + "\" missing or not a number");
      Entry e =
          new Entry(
              entries.size(), n.path("id").asText(""), n.path("source").asText(""), n.get("shard").asInt(),
              n.get("offset").asLong(), n.get("length").asInt(), n.get("original_length").asInt(), n.get("trained").asInt());
      if (e.shard() < 0 || e.offset() < 0 || e.length() < 0)
        throw new BadInputException(index + ":" + line + ": negative shard/offset/length");
      if (e.shard() >= shards) {
        shards = e.shard() + 1;
        shardEnd = java.util.Arrays.copyOf(shardEnd, shards);
      }
      shardEnd[e.shard()] = Math.max(shardEnd[e.shard()], e.offset() + e.length());
      entries.add(e);
    }
    for (int s = 0; s < shards; s++) {
      Path ids = dir.resolve(idsName(s));
      Path mask = dir.resolve(maskName(s));
      if (!Files.isRegularFile(ids) || !Files.isRegularFile(mask))
        throw new BadInputException(dir + ": shard " + s + " is missing (" + ids.getFileName() + ", " + mask.getFileName() + ")");
      if (Files.size(ids) < 4 * shardEnd[s] || Files.size(mask) < shardEnd[s])
        throw new BadInputException(dir + ": shard " + s + " is shorter than its index says (" + shardEnd[s] + " tokens)");
    }
    return new TokenizedDataset(dir, List.copyOf(entries), shards);
  }

  public Path dir() {
    return dir;
  }

  public int size() {
    return entries.size();
  }

  public Entry entry(int i) {
    return entries.get(i);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** Example {@code i} read from the mapped shards. */
  public TokenizedExample get(int i) {
    Entry e = entries.get(i);
    int[] out = new int[e.length()];
    boolean[] m = new boolean[e.length()];
    ids.get(e.shard()).get(Math.toIntExact(e.offset()), out);
    MappedByteBuffer mb = masks.get(e.shard());
    for (int k = 0; k < out.length; k++) m[k] = mb.get(Math.toIntExact(e.offset() + k)) != 0;
    return new TokenizedExample(e.id(), e.source(), out, m, e.originalLength());
  }

  /** Sum of trained positions over all examples. */
  public long trainedTokens() {
    long n = 0;
    for (Entry e : entries) n += e.trained();
    return n;
  }

  /** Sum of lengths over all examples. */
  public long tokens() {
    long n = 0;
    for (Entry e : entries) n += e.length();
    return n;
  }

  @Override
  public void close() {
    ids.clear();
    masks.clear();
  }

  /**
   * Writes a dataset folder: shards grow as examples are added; {@link #commit()} renames
   * everything into place (the index last), so a reader never sees a partial dataset.
   */
  public static final class Writer implements Closeable {
    private final Path dir;
    private final long shardTokens;
    private final List<Path> written = new ArrayList<>();
    private final JsonlWriter index;
    private int shard = -1;
    private long offset;
    private OutputStream idsOut;
    private OutputStream maskOut;
    private int count;
    private boolean committed;

    public Writer(Path dir) throws IOException {
      this(dir, DEFAULT_SHARD_TOKENS);
    }

    public Writer(Path dir, long shardTokens) throws IOException {
      if (shardTokens < 1) throw new IllegalArgumentException("shardTokens must be >= 1, got " + shardTokens);
      this.dir = dir;
      this.shardTokens = shardTokens;
      Files.createDirectories(dir);
      this.index = new JsonlWriter(dir.resolve(INDEX));
    }

    private void nextShard() throws IOException {
      closeShard();
      shard++;
      offset = 0;
      idsOut = new BufferedOutputStream(Files.newOutputStream(AtomicFiles.tempFor(dir.resolve(idsName(shard)))), 1 << 16);
      maskOut = new BufferedOutputStream(Files.newOutputStream(AtomicFiles.tempFor(dir.resolve(maskName(shard)))), 1 << 16);
      written.add(dir.resolve(idsName(shard)));
      written.add(dir.resolve(maskName(shard)));
    }

    private void closeShard() throws IOException {
      if (idsOut != null) idsOut.close();
      if (maskOut != null) maskOut.close();
      idsOut = null;
      maskOut = null;
    }

    /** Appends one example. */
    public void add(TokenizedExample ex) throws IOException {
      if (shard < 0 || (offset > 0 && offset + ex.length() > shardTokens)) nextShard();
      byte[] b = new byte[4 * ex.length()];
      for (int k = 0; k < ex.length(); k++) {
        int v = ex.ids()[k];
        b[4 * k] = (byte) v;
        b[4 * k + 1] = (byte) (v >>> 8);
        b[4 * k + 2] = (byte) (v >>> 16);
        b[4 * k + 3] = (byte) (v >>> 24);
      }
      idsOut.write(b);
      byte[] m = new byte[ex.length()];
      for (int k = 0; k < m.length; k++) m[k] = (byte) (ex.trained()[k] ? 1 : 0);
      maskOut.write(m);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("i", count);
      line.put("id", ex.id());
      line.put("source", ex.source());
      line.put("shard", shard);
      line.put("offset", offset);
      line.put("length", ex.length());
      line.put("original_length", ex.originalLength());
      line.put("trained", ex.trainedTokens());
      index.write(line);
      offset += ex.length();
      count++;
    }

    public int count() {
      return count;
    }

    /** Names of the files this writer produced (shards and index), relative to the folder. */
    public List<String> files() {
      List<String> out = new ArrayList<>();
      for (Path p : written) out.add(p.getFileName().toString());
      out.add(INDEX);
      return out;
    }

    /** Renames the shards, then the index, into place. */
    public void commit() throws IOException {
      if (shard < 0) nextShard(); // an empty dataset still has one (empty) shard
      closeShard();
      for (Path p : written) AtomicFiles.commit(AtomicFiles.tempFor(p), p);
      index.commit();
      committed = true;
    }

    @Override
    public void close() throws IOException {
      closeShard();
      if (!committed) for (Path p : written) Files.deleteIfExists(AtomicFiles.tempFor(p));
      index.close();
    }
  }
}
