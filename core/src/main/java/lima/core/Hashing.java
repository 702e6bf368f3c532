package lima.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 of files and strings, and stable 64-bit keys for seeded per-record randomness. */
public final class Hashing {
  private Hashing() {}

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The sha256 of a file, as lowercase hex. A run hashes each input twice (the fingerprint at the
   * start, the manifest at the end): the digest is remembered per file, keyed by its real path, file
   * key (inode), size and modification time, so an unchanged file is read once per process. As in
   * git's "racy clean" rule, a file modified in the last few seconds is never remembered: file system
   * clocks are coarse, so a rewrite of the same size could otherwise keep the same time.
   */
  public static String sha256(Path file) throws IOException {
    Path real = file.toRealPath();
    var attrs = Files.readAttributes(real, java.nio.file.attribute.BasicFileAttributes.class);
    String key = real + "\n" + attrs.fileKey() + "\n" + attrs.size() + "\n" + attrs.lastModifiedTime();
    String known = FILE_DIGESTS.get(key);
    if (known != null) return known;
    long startedMillis = System.currentTimeMillis();
    String d = digestFile(real);
    if (attrs.lastModifiedTime().toMillis() < startedMillis - RACY_MILLIS) {
      if (FILE_DIGESTS.size() >= 4096) FILE_DIGESTS.clear();
      FILE_DIGESTS.put(key, d);
    }
    return d;
  }

  private static final long RACY_MILLIS = 3000;
  private static final java.util.Map<String, String> FILE_DIGESTS = new java.util.concurrent.ConcurrentHashMap<>();

  private static String digestFile(Path file) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  public static String sha256(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A 64-bit key for (seed, name): the randomness of one record depends only on the run seed and the
   * record's own name, never on thread scheduling or the order records arrive in.
   */
  public static long key(long seed, String name) {
    byte[] d = sha256().digest((seed + ":" + name).getBytes(StandardCharsets.UTF_8));
    long v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (d[i] & 0xff);
    return v;
  }

  /** A seeded random generator for one named record or stage. */
  public static java.util.SplittableRandom rng(long seed, String name) {
    return new java.util.SplittableRandom(key(seed, name));
  }
}
