package lima.curate.stackexchange;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The question/answer join in bounded memory. While the dump streams by, every question and every
 * answer that could be a top answer (score at least the minimum) is appended to one of {@code P} spill
 * files, chosen by question id ({@code id mod P}; an answer goes with its ParentId). Then each
 * partition is joined on its own: its answers are read into a small map (question id to the best
 * answer's score, id and file offset: no bodies), its questions are streamed, and each question's
 * best answer body is read back from its offset. The heap holds one partition's answer index per
 * worker, never the dump; {@code P} grows with the input size (see {@link #partitionsFor(long)}).
 */
final class PartitionedJoin implements Closeable {
  /** Input bytes per partition the partition count aims at. */
  static final long BYTES_PER_PARTITION = 128L << 20;

  static final int MIN_PARTITIONS = 8;
  static final int MAX_PARTITIONS = 256;

  private final Path dir;
  private final int partitions;
  private final DataOutputStream[] questions;
  private final DataOutputStream[] answers;
  private long questionCount;
  private long answerCount;

  PartitionedJoin(Path dir, int partitions) throws IOException {
    this.dir = dir;
    this.partitions = partitions;
    Files.createDirectories(dir);
    questions = new DataOutputStream[partitions];
    answers = new DataOutputStream[partitions];
  }

  /** Partitions for an input of {@code bytes} uncompressed bytes (-1: unknown); never depends on threads. */
  static int partitionsFor(long bytes) {
    if (bytes < 0) return 64;
    long p = (bytes + BYTES_PER_PARTITION - 1) / BYTES_PER_PARTITION;
    return (int) Math.max(MIN_PARTITIONS, Math.min(MAX_PARTITIONS, p));
  }

  int partitions() {
    return partitions;
  }

  Path questionsFile(int p) {
    return dir.resolve(String.format(java.util.Locale.ROOT, "q-%04d.bin", p));
  }

  Path answersFile(int p) {
    return dir.resolve(String.format(java.util.Locale.ROOT, "a-%04d.bin", p));
  }

  private int partition(long questionId) {
    return (int) Math.floorMod(questionId, (long) partitions);
  }

  private DataOutputStream out(DataOutputStream[] arr, int p, Path file) throws IOException {
    if (arr[p] == null)
      arr[p] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 15));
    return arr[p];
  }

  void addQuestion(Post q) throws IOException {
    int p = partition(q.id());
    write(out(questions, p, questionsFile(p)), q, null);
    questionCount++;
  }

  void addAnswer(Post a) throws IOException {
    addAnswer(a, null);
  }

  /**
   * As {@link #addAnswer(Post)}, with the answer body already converted to Markdown (null: not
   * converted); the join hands it back in {@link Joined#answerMarkdown()}. The curation converts
   * candidate answers while the dump streams by, when the parser's core has time to spare, so the
   * join after the read is shorter.
   */
  void addAnswer(Post a, String markdown) throws IOException {
    int p = partition(a.parentId());
    DataOutputStream o = out(answers, p, answersFile(p));
    write(o, a, markdown);
    answerCount++;
  }

  long questions() {
    return questionCount;
  }

  long answers() {
    return answerCount;
  }

  /** Finishes writing; partitions can then be joined. */
  void finishWriting() throws IOException {
    IOException first = null;
    for (DataOutputStream[] arr : List.of(questions, answers))
      for (int i = 0; i < arr.length; i++) {
        if (arr[i] == null) continue;
        try {
          arr[i].close();
        } catch (IOException e) {
          if (first == null) first = e;
        }
        arr[i] = null;
      }
    if (first != null) throw first;
  }

  /**
   * A question with its best answer, or with none (answer null); {@code answerMarkdown} is the
   * Markdown given to {@link #addAnswer(Post, String)}, or null.
   */
  record Joined(Post question, Post answer, String answerMarkdown) {
    Joined(Post question, Post answer) {
      this(question, answer, null);
    }
  }

  /** What to do with each question of a partition, in spill (= input) order. */
  @FunctionalInterface
  interface JoinedConsumer {
    void accept(Joined j) throws IOException;
  }

  /**
   * Joins partition {@code p}: calls {@code sink} for every question in input order, with its top
   * answer (highest score; ties go to the accepted answer, then to the lowest Id) or null when no
   * answer reached the minimum score.
   */
  void join(int p, JoinedConsumer sink) throws IOException {
    join(p, sink, null);
  }

  /**
   * As {@link #join(int, JoinedConsumer)}, but with {@code randomKey} (answer id to a seeded hash) each
   * question gets the answer with the smallest key instead of its top answer: a random answer per
   * question that does not depend on the order of the rows ({@code --unfiltered}).
   */
  void join(int p, JoinedConsumer sink, java.util.function.LongUnaryOperator randomKey) throws IOException {
    Map<Long, List<long[]>> best = new HashMap<>(); // question id -> [answer id, score, offset] of tied best
    Path af = answersFile(p);
    if (Files.exists(af)) {
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(af), 1 << 16))) {
        long offset = 0;
        while (true) {
          Header h;
          try {
            h = readHeader(in);
          } catch (EOFException e) {
            break;
          }
          long len = h.length();
          List<long[]> cur = best.get(h.parentId);
          long[] entry = {h.id, h.score, offset};
          if (randomKey != null) {
            // one candidate per question: the smallest key, ties (never in practice) to the lower id
            if (cur == null) best.put(h.parentId, new ArrayList<>(List.of(entry)));
            else {
              long k = randomKey.applyAsLong(h.id), kc = randomKey.applyAsLong(cur.get(0)[0]);
              if (k < kc || (k == kc && h.id < cur.get(0)[0])) cur.set(0, entry);
            }
          } else if (cur == null) best.put(h.parentId, new ArrayList<>(List.of(entry)));
          else if (h.score > cur.get(0)[1]) {
            cur.clear();
            cur.add(entry);
          } else if (h.score == cur.get(0)[1]) cur.add(entry);
          in.skipNBytes(h.rest);
          offset += len;
        }
      }
    }
    Path qf = questionsFile(p);
    if (!Files.exists(qf)) return;
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(qf), 1 << 16));
        FileChannel ach = Files.exists(af) ? FileChannel.open(af, StandardOpenOption.READ) : null) {
      while (true) {
        int total;
        try {
          total = in.readInt();
        } catch (EOFException e) {
          break;
        }
        // Most questions have no candidate answer: only their numbers are read, the strings are
        // skipped on disk, never copied or decoded.
        byte[] head = new byte[FIXED];
        in.readFully(head);
        long qid = ByteBuffer.wrap(head, 1, 8).getLong();
        List<long[]> cands = best.get(qid);
        Post q;
        if (cands == null) {
          in.skipNBytes(total - FIXED);
          q = decode(ByteBuffer.wrap(head), false);
        } else {
          byte[] rec = java.util.Arrays.copyOf(head, total);
          in.readFully(rec, FIXED, total - FIXED);
          q = decode(ByteBuffer.wrap(rec), true);
        }
        Post a = null;
        String[] md = {null};
        if (cands != null) {
          long[] pick = cands.get(0);
          if (randomKey == null) {
            for (long[] c : cands) {
              if (c[0] == q.acceptedAnswerId()) {
                pick = c;
                break;
              }
              if (c[0] < pick[0]) pick = c;
            }
          }
          a = readAt(ach, pick[2], md);
        }
        sink.accept(new Joined(q, a, md[0]));
      }
    }
  }

  // Record layout: int total length of what follows the length itself, then type byte, id, parentId,
  // acceptedAnswerId, score, answerCount, flags, line, and the strings title, body, tags, license,
  // markdown (an answer's converted body, or absent).
  private record Header(long id, long parentId, int score, int rest, int total) {
    long length() {
      return 4L + total;
    }
  }

  private static final int FIXED = 1 + 8 + 8 + 8 + 4 + 4 + 1 + 8;

  private static Header readHeader(DataInputStream in) throws IOException {
    int total = in.readInt();
    in.readByte();
    long id = in.readLong();
    long parent = in.readLong();
    in.readLong();
    int score = in.readInt();
    return new Header(id, parent, score, total - (1 + 8 + 8 + 8 + 4), total);
  }

  private static int write(DataOutputStream o, Post p, String markdown) throws IOException {
    byte[] title = bytes(p.title());
    byte[] body = bytes(p.body());
    byte[] tags = bytes(p.tags().isEmpty() ? null : String.join("|", p.tags()));
    byte[] license = bytes(p.license());
    byte[] md = bytes(markdown);
    int total = FIXED + 20 + len(title) + len(body) + len(tags) + len(license) + len(md);
    o.writeInt(total);
    o.writeByte(p.postTypeId());
    o.writeLong(p.id());
    o.writeLong(p.parentId());
    o.writeLong(p.acceptedAnswerId());
    o.writeInt(p.score());
    o.writeInt(p.answerCount());
    int flags = (p.closed() ? 1 : 0) | (p.communityOwned() ? 2 : 0) | (p.locked() ? 4 : 0) | (p.oversized() ? 8 : 0);
    o.writeByte(flags);
    o.writeLong(p.line());
    str(o, title);
    str(o, body);
    str(o, tags);
    str(o, license);
    str(o, md);
    return 4 + total;
  }

  private static Post readAt(FileChannel ch, long offset, String[] markdown) throws IOException {
    ByteBuffer len = ByteBuffer.allocate(4);
    readFully(ch, len, offset);
    int total = len.flip().getInt();
    ByteBuffer rec = ByteBuffer.allocate(total);
    readFully(ch, rec, offset + 4);
    Post p = decode(rec.flip(), true);
    markdown[0] = str(rec);
    return p;
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) throw new EOFException("spill file ends early");
      pos += n;
    }
  }

  /** Decodes a record; without {@code strings} only the numbers and flags (title, body, tags left null). */
  private static Post decode(ByteBuffer b, boolean strings) {
    int type = b.get();
    long id = b.getLong();
    long parent = b.getLong();
    long accepted = b.getLong();
    int score = b.getInt();
    int answerCount = b.getInt();
    int flags = b.get();
    long line = b.getLong();
    if (!strings)
      return new Post(id, type, parent, accepted, score, answerCount, null, null, List.of(), (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, null, (flags & 8) != 0, line);
    String title = str(b);
    String body = str(b);
    String tags = str(b);
    String license = str(b);
    List<String> tagList = tags == null ? List.of() : List.of(tags.split("\\|"));
    return new Post(
        id, type, parent, accepted, score, answerCount, title, body, tagList, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0,
        license, (flags & 8) != 0, line);
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static int len(byte[] b) {
    return b == null ? 0 : b.length;
  }

  private static void str(DataOutputStream o, byte[] b) throws IOException {
    if (b == null) {
      o.writeInt(-1);
    } else {
      o.writeInt(b.length);
      o.write(b);
    }
  }

  private static String str(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0) return null;
    String s = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }

  /** Deletes the spill files. */
  @Override
  public void close() throws IOException {
    try {
      finishWriting();
    } finally {
      if (Files.isDirectory(dir))
        try (var s = Files.list(dir)) {
          for (Path f : s.toList()) Files.deleteIfExists(f);
        }
      Files.deleteIfExists(dir);
    }
  }
}
