package lima.curate.stackexchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZMethodConfiguration;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.tukaani.xz.LZMA2Options;

/**
 * Test and benchmark data (test sources, not in the product jar): writes a Stack Exchange-like site
 * archive (a 7z holding Posts.xml, LZMA2) of a given
 * uncompressed size, in the real row format (BOM, CRLF, escaped HTML bodies with paragraphs, code,
 * lists, links; interleaved questions and answers; scores, tags, closed and community-wiki posts), and
 * times plain decompression of such an archive. Used by {@code bench/stackexchange.bench.sh}:
 *
 * <pre>
 * java -cp lima.jar:curate/target/test-classes lima.curate.stackexchange.SyntheticDump generate OUT.7z SIZE_MB [SEED]
 * java -cp lima.jar:curate/target/test-classes lima.curate.stackexchange.SyntheticDump decompress IN.7z
 * java -cp lima.jar:curate/target/test-classes lima.curate.stackexchange.SyntheticDump pack OUT.7z Comments.xml Posts.xml
 * </pre>
 */
public final class SyntheticDump {
  private SyntheticDump() {}

  public static void main(String[] args) throws IOException {
    if (args.length >= 3 && args[0].equals("generate")) {
      long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
      long t0 = System.nanoTime();
      long n = generate(Path.of(args[1]), Long.parseLong(args[2]) * 1_000_000L, seed, 1);
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "generated %s: %,d bytes of Posts.xml in %.1f s (archive %,d bytes)%n", args[1], n, s, Files.size(Path.of(args[1])));
    } else if (args.length >= 3 && args[0].equals("pack")) {
      List<Path> files = new java.util.ArrayList<>();
      for (int i = 2; i < args.length; i++) files.add(Path.of(args[i]));
      pack(Path.of(args[1]), files);
    } else if (args.length == 2 && args[0].equals("decompress")) {
      long t0 = System.nanoTime();
      long n = decompress(Path.of(args[1]));
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "decompress_bytes=%d decompress_seconds=%.3f decompress_mb_s=%.1f%n", n, s, n / 1e6 / s);
    } else {
      System.err.println("usage: SyntheticDump generate OUT.7z SIZE_MB [SEED] | decompress IN.7z | pack OUT.7z FILE...");
      System.exit(2);
    }
  }

  /** Packs files (as entries named by their file names, in the given order) into a 7z with LZMA2. */
  public static void pack(Path out, List<Path> files) throws IOException {
    try (SevenZOutputFile z = new SevenZOutputFile(out.toFile())) {
      z.setContentMethods(List.of(new SevenZMethodConfiguration(SevenZMethod.LZMA2, new LZMA2Options(6))));
      for (Path f : files) {
        SevenZArchiveEntry e = z.createArchiveEntry(f.toFile(), f.getFileName().toString());
        z.putArchiveEntry(e);
        z.write(Files.readAllBytes(f));
        z.closeArchiveEntry();
      }
    }
  }

  /** Reads the Posts.xml entry of an archive and throws the bytes away; returns how many there were. */
  public static long decompress(Path archive) throws IOException {
    DumpSource d = new DumpSource(archive, "bench", DumpSource.Kind.SEVEN_ZIP);
    DumpSource.Opened o = d.open();
    long n = 0;
    byte[] buf = new byte[1 << 20];
    try (InputStream in = o.in()) {
      int k;
      while ((k = in.read(buf)) > 0) n += k;
    }
    return n;
  }

  private static final String[] WORDS =
      ("the of and to in is that for it as with be on not this are by or an from at which but can have you one all use will "
              + "if there their more when what so about would other into time only than some its could also like them then "
              + "these two may first any new way most each very should because between well does much where after through "
              + "value function file system data user server process memory thread request string number type class method "
              + "object list table query index cache network error output input version package module library build test "
              + "result point line code config option default setting instance layer model signal voltage current circuit "
              + "energy mass force field equation matrix vector sample average variance probability distribution estimate "
              + "coffee bean roast grind water temperature brew flavor acid bitter sweet milk cup espresso filter pressure "
              + "history century empire war language grammar verb noun sentence meaning word culture religion text author")
          .split(" ");

  private static final String[] TAGS =
      "java python linux networking statistics physics coffee espresso history grammar performance memory security git bash sql".split(" ");

  /** Writes the archive; returns the uncompressed size of Posts.xml. */
  public static long generate(Path out, long targetBytes, long seed, int preset) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    Path tmp = out.resolveSibling(out.getFileName() + ".part");
    long written = 0;
    try (SevenZOutputFile z = new SevenZOutputFile(tmp.toFile())) {
      z.setContentMethods(List.of(new SevenZMethodConfiguration(SevenZMethod.LZMA2, new LZMA2Options(preset))));
      SevenZArchiveEntry e = new SevenZArchiveEntry();
      e.setName("Posts.xml");
      z.putArchiveEntry(e);
      StringBuilder sb = new StringBuilder(1 << 20);
      sb.append('\uFEFF').append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<posts>\r\n");
      long id = 1;
      record Pending(long due, long parent, int score) {}
      PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));
      long row = 0;
      while (written + sb.length() < targetBytes) {
        row++;
        if (!pending.isEmpty() && pending.peek().due <= row) {
          Pending p = pending.poll();
          answer(sb, rnd, id++, p.parent, p.score);
        } else {
          long q = id++;
          int answers = rnd.nextInt(100) < 15 ? 0 : 1 + rnd.nextInt(5);
          int[] scores = new int[answers];
          for (int i = 0; i < answers; i++) scores[i] = answerScore(rnd);
          question(sb, rnd, q, answers);
          for (int i = 0; i < answers; i++) {
            long delay = rnd.nextInt(100) < 90 ? 1 + rnd.nextInt(40) : 1 + rnd.nextInt(20_000);
            pending.add(new Pending(row + delay, q, scores[i]));
          }
        }
        if (sb.length() > (1 << 20) - (1 << 16)) {
          byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
          z.write(b);
          written += b.length;
          sb.setLength(0);
        }
      }
      while (!pending.isEmpty()) {
        Pending p = pending.poll();
        answer(sb, rnd, id++, p.parent, p.score);
      }
      sb.append("</posts>\r\n");
      byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
      z.write(b);
      written += b.length;
      z.closeArchiveEntry();
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return written;
  }

  private static int answerScore(SplittableRandom rnd) {
    // Heavy-tailed, about 8% at 10 or more, like a mid-sized site.
    double g = Math.exp(rnd.nextGaussian() * 1.2 + 0.6);
    return (int) g - (rnd.nextInt(10) == 0 ? 2 : 0);
  }

  private static void question(StringBuilder sb, SplittableRandom rnd, long id, int answers) {
    sb.append("  <row Id=\"").append(id).append("\" PostTypeId=\"1\"");
    if (answers > 0 && rnd.nextBoolean()) sb.append(" AcceptedAnswerId=\"").append(id + 1 + rnd.nextInt(3)).append('"');
    sb.append(" CreationDate=\"2019-03-04T12:34:56.789\" Score=\"").append(answerScore(rnd)).append('"');
    sb.append(" ViewCount=\"").append(rnd.nextInt(50_000)).append("\" Body=\"");
    escape(sb, body(rnd, 300 + rnd.nextInt(1500), false));
    sb.append("\" OwnerUserId=\"").append(1 + rnd.nextInt(100_000)).append("\" LastActivityDate=\"2020-01-02T03:04:05.678\" Title=\"");
    String title = title(rnd);
    escape(sb, title);
    sb.append("\" Tags=\"");
    int nt = 1 + rnd.nextInt(3);
    StringBuilder tags = new StringBuilder();
    for (int i = 0; i < nt; i++) tags.append('<').append(TAGS[rnd.nextInt(TAGS.length)]).append('>');
    escape(sb, tags.toString());
    sb.append("\" AnswerCount=\"").append(answers).append("\" CommentCount=\"").append(rnd.nextInt(6)).append('"');
    if (rnd.nextInt(100) < 3) sb.append(" ClosedDate=\"2019-04-01T00:00:00.000\"");
    if (rnd.nextInt(100) < 1) sb.append(" CommunityOwnedDate=\"2019-04-01T00:00:00.000\"");
    sb.append(" ContentLicense=\"CC BY-SA 4.0\" />\r\n");
  }

  private static void answer(StringBuilder sb, SplittableRandom rnd, long id, long parent, int score) {
    sb.append("  <row Id=\"").append(id).append("\" PostTypeId=\"2\" ParentId=\"").append(parent);
    sb.append("\" CreationDate=\"2019-03-05T12:34:56.789\" Score=\"").append(score).append("\" Body=\"");
    int len = (int) Math.min(9000, Math.exp(rnd.nextGaussian() * 0.7 + 7.2));
    escape(sb, body(rnd, len, true));
    sb.append("\" OwnerUserId=\"").append(1 + rnd.nextInt(100_000));
    sb.append("\" LastActivityDate=\"2020-01-02T03:04:05.678\" CommentCount=\"").append(rnd.nextInt(4)).append('"');
    if (rnd.nextInt(200) == 0) sb.append(" CommunityOwnedDate=\"2019-04-01T00:00:00.000\"");
    sb.append(" ContentLicense=\"CC BY-SA 4.0\" />\r\n");
  }

  private static String title(SplittableRandom rnd) {
    String[] starts = {"How do I", "What is the", "Why does the", "Is it possible to", "Can a", "Which", "When should the"};
    StringBuilder t = new StringBuilder(starts[rnd.nextInt(starts.length)]);
    int n = 3 + rnd.nextInt(8);
    for (int i = 0; i < n; i++) t.append(' ').append(WORDS[rnd.nextInt(WORDS.length)]);
    if (rnd.nextInt(10) < 8) t.append('?');
    return t.toString();
  }

  private static void sentence(StringBuilder h, SplittableRandom rnd, boolean firstPerson) {
    int n = 8 + rnd.nextInt(14);
    String w0 = firstPerson ? "I think" : WORDS[rnd.nextInt(WORDS.length)];
    h.append(Character.toUpperCase(w0.charAt(0))).append(w0, 1, w0.length());
    for (int i = 1; i < n; i++) {
      int k = rnd.nextInt(40);
      if (k == 0) h.append(" <code>").append(WORDS[rnd.nextInt(WORDS.length)]).append("()</code>");
      else if (k == 1) h.append(" <strong>").append(WORDS[rnd.nextInt(WORDS.length)]).append("</strong>");
      else if (k == 2) h.append(" <a href=\"https://example.com/").append(WORDS[rnd.nextInt(WORDS.length)]).append("\" rel=\"nofollow noreferrer\">").append(WORDS[rnd.nextInt(WORDS.length)]).append("</a>");
      else h.append(' ').append(WORDS[rnd.nextInt(WORDS.length)]);
    }
    h.append(rnd.nextInt(8) == 0 ? "? " : ". ");
  }

  private static String body(SplittableRandom rnd, int targetChars, boolean answer) {
    StringBuilder h = new StringBuilder(targetChars + 512);
    boolean firstPerson = answer && rnd.nextInt(100) < 30;
    boolean refers = answer && rnd.nextInt(100) < 5;
    if (refers) h.append("<p>As mentioned in the other answer, this is only part of the story.</p>\n\n");
    while (h.length() < targetChars) {
      int kind = rnd.nextInt(10);
      if (kind < 6) {
        h.append("<p>");
        int s = 1 + rnd.nextInt(4);
        for (int i = 0; i < s; i++) sentence(h, rnd, firstPerson && i == 0 && rnd.nextInt(4) == 0);
        h.append("</p>\n\n");
      } else if (kind < 8) {
        h.append(rnd.nextBoolean() ? "<pre class=\"lang-java prettyprint-override\"><code>" : "<pre><code>");
        int lines = 2 + rnd.nextInt(10);
        for (int i = 0; i < lines; i++) {
          h.append("    ".repeat(rnd.nextInt(3))).append(WORDS[rnd.nextInt(WORDS.length)]).append('(');
          h.append(WORDS[rnd.nextInt(WORDS.length)]).append(", ").append(rnd.nextInt(1000)).append(") &lt; ").append(rnd.nextInt(99)).append(";\n");
        }
        h.append("</code></pre>\n\n");
      } else if (kind < 9) {
        boolean ol = rnd.nextBoolean();
        h.append(ol ? "<ol>\n" : "<ul>\n");
        int items = 2 + rnd.nextInt(5);
        for (int i = 0; i < items; i++) {
          h.append("<li>");
          sentence(h, rnd, false);
          h.append("</li>\n");
        }
        h.append(ol ? "</ol>\n\n" : "</ul>\n\n");
      } else {
        h.append("<blockquote>\n  <p>");
        sentence(h, rnd, false);
        h.append("</p>\n</blockquote>\n\n");
      }
    }
    if (rnd.nextInt(20) == 0) h.append("<p><img src=\"https://i.stack.imgur.com/abc.png\" alt=\"enter image description here\"></p>\n");
    return h.toString();
  }

  /** Escapes an attribute value the way the dumps do (newlines as &#xA;). */
  static void escape(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\n' -> sb.append("&#xA;");
        case '\r' -> sb.append("&#xD;");
        default -> sb.append(c);
      }
    }
  }
}
