// Pushshift-format test data, run with the java source launcher and lima.jar on the class path:
//   java -cp cli/target/lima.jar bench/PushshiftGen.java compress IN.ndjson OUT.zst [windowLog]
//   java -cp cli/target/lima.jar bench/PushshiftGen.java synth OUT_DIR MEGABYTES [seed]
// compress: zstd with a long window (default 2^31, as the Pushshift dumps), so readers must allow it.
// synth: an RS_/RC_ pair of about MEGABYTES of uncompressed NDJSON in all (one third submissions, two thirds
// comments), fields and key order as in the 2018-2023 dumps, ~3% r/WritingPrompts, text from a fixed
// vocabulary (so it compresses about as well as real English text), deterministic for a seed.
import com.github.luben.zstd.ZstdOutputStream;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

public class PushshiftGen {
  public static void main(String[] a) throws IOException {
    if (a.length >= 3 && a[0].equals("compress")) {
      compress(Path.of(a[1]), Path.of(a[2]), a.length > 3 ? Integer.parseInt(a[3]) : 31);
    } else if (a.length >= 3 && a[0].equals("synth")) {
      synth(Path.of(a[1]), Long.parseLong(a[2]) << 20, a.length > 3 ? Long.parseLong(a[3]) : 1);
    } else {
      System.err.println("usage: compress IN OUT [windowLog] | synth DIR MB [seed]");
      System.exit(2);
    }
  }

  static OutputStream zstd(Path out, int windowLog) throws IOException {
    ZstdOutputStream z = new ZstdOutputStream(new BufferedOutputStream(Files.newOutputStream(out), 1 << 16), 3);
    z.setLong(windowLog);
    z.setWindowLog(windowLog);
    return z;
  }

  static void compress(Path in, Path out, int windowLog) throws IOException {
    try (OutputStream z = zstd(out, windowLog)) {
      Files.copy(in, z);
    }
  }

  static final String[] WORDS = (
      "the of and to a in that it was he for on are as with his they at be this from have or by one had not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know get through back much go good new write our me man too any day same right look think also around another came come work three word must because does part even place well such here take why things help put years different away again off went old number great tell men say small every found still between name should home big give air line set own under read last never us left end along while might next sound below saw something thought both few those always looked show large often together asked house world going want school important until form food keep children feet land side without boy once animals life enough took sometimes four head above kind began almost live page got earth need far hand high year mother light parts country father let night following picture being study second eyes soon times story boys since white days ever paper hard near sentence better best across during today others however sure means knew try told young miles sun ways thing whole hear example heard several change answer room sea against top turned learn point city play toward five using himself usually")
      .split(" ");
  static final String[] SUBS = {"AskReddit", "funny", "pics", "gaming", "worldnews", "todayilearned", "movies", "Music", "aww", "science", "books", "history"};

  static void text(StringBuilder sb, SplittableRandom r, int words) {
    for (int i = 0; i < words; i++) {
      if (i > 0) sb.append(i % 14 == 13 ? ". " : " ");
      String w = WORDS[(int) Math.min(WORDS.length - 1, Math.abs(r.nextGaussian()) * WORDS.length / 3)];
      if (i % 14 == 0) sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
      else sb.append(w);
      if (i % 40 == 39) sb.append(".\\n\\n");
    }
    sb.append('.');
  }

  static String id(long n) {
    return Long.toString(1_000_000_000L + n, 36);
  }

  static void synth(Path dir, long bytes, long seed) throws IOException {
    Files.createDirectories(dir);
    SplittableRandom r = new SplittableRandom(seed);
    long subTarget = bytes / 3, comTarget = bytes - subTarget;
    long nSubs = 0, written = 0;
    List<String> wp = new ArrayList<>();
    List<String> all = new ArrayList<>();
    long t0 = 1514764800L;
    try (Writer w = new OutputStreamWriter(zstd(dir.resolve("RS_bench.zst"), 31), StandardCharsets.UTF_8)) {
      StringBuilder sb = new StringBuilder(4096);
      while (written < subTarget) {
        String id = id(nSubs++);
        boolean isWp = r.nextInt(100) < 3;
        String sub = isWp ? "WritingPrompts" : SUBS[r.nextInt(SUBS.length)];
        sb.setLength(0);
        StringBuilder title = new StringBuilder(isWp ? "[WP] " : "");
        text(title, r, 8 + r.nextInt(20));
        if (sub.equals("AskReddit") && r.nextBoolean()) title.setCharAt(title.length() - 1, '?');
        StringBuilder self = new StringBuilder();
        if (!isWp && r.nextInt(3) == 0) text(self, r, 20 + r.nextInt(150));
        long score = (long) Math.floor(Math.exp(r.nextDouble() * 10)) - 1;
        sb.append("{\"archived\":false,\"author\":\"user").append(r.nextInt(1_000_000)).append("\",\"author_flair_css_class\":null,\"author_flair_text\":null,")
            .append("\"brand_safe\":true,\"contest_mode\":false,\"created_utc\":").append(t0 + nSubs * 2).append(",\"distinguished\":null,\"domain\":\"self.").append(sub)
            .append("\",\"edited\":false,\"gilded\":0,\"hidden\":false,\"hide_score\":false,\"id\":\"").append(id)
            .append("\",\"is_crosspostable\":true,\"is_reddit_media_domain\":false,\"is_self\":true,\"is_video\":false,\"link_flair_css_class\":null,\"link_flair_text\":null,")
            .append("\"locked\":false,\"media\":null,\"media_embed\":{},\"no_follow\":true,\"num_comments\":").append(r.nextInt(200)).append(",\"num_crossposts\":0,\"over_18\":")
            .append(r.nextInt(50) == 0).append(",\"parent_whitelist_status\":\"all_ads\",\"permalink\":\"/r/").append(sub).append("/comments/").append(id).append("/x/\",")
            .append("\"pinned\":false,\"retrieved_on\":1520467337,\"score\":").append(score).append(",\"secure_media\":null,\"secure_media_embed\":{},\"selftext\":\"").append(self)
            .append("\",\"send_replies\":true,\"spoiler\":false,\"stickied\":false,\"subreddit\":\"").append(sub).append("\",\"subreddit_id\":\"t5_2qh1i\",\"subreddit_type\":\"public\",")
            .append("\"suggested_sort\":null,\"thumbnail\":\"self\",\"thumbnail_height\":null,\"thumbnail_width\":null,\"title\":\"").append(title)
            .append("\",\"url\":\"https://www.reddit.com/r/").append(sub).append("/comments/").append(id).append("/x/\",\"whitelist_status\":\"all_ads\"}\n");
        w.write(sb.toString());
        written += sb.length();
        all.add(id);
        if (isWp) wp.add(id);
      }
    }
    long nComs = 0;
    written = 0;
    try (Writer w = new OutputStreamWriter(zstd(dir.resolve("RC_bench.zst"), 31), StandardCharsets.UTF_8)) {
      StringBuilder sb = new StringBuilder(8192);
      while (written < comTarget) {
        boolean onWp = !wp.isEmpty() && r.nextInt(100) < 10;
        String link = onWp ? wp.get(r.nextInt(wp.size())) : all.get(r.nextInt(all.size()));
        String id = "c" + id(nComs++);
        boolean top = r.nextInt(3) > 0;
        StringBuilder body = new StringBuilder();
        text(body, r, onWp ? 80 + r.nextInt(500) : 5 + r.nextInt(80));
        sb.setLength(0);
        sb.append("{\"author\":\"user").append(r.nextInt(1_000_000)).append("\",\"author_flair_css_class\":null,\"author_flair_text\":null,\"body\":\"").append(body)
            .append("\",\"controversiality\":0,\"created_utc\":").append(t0 + nComs).append(",\"distinguished\":null,\"edited\":false,\"gilded\":0,\"id\":\"").append(id)
            .append("\",\"link_id\":\"t3_").append(link).append("\",\"parent_id\":\"").append(top ? "t3_" + link : "t1_c" + id(r.nextLong(Math.max(1, nComs))))
            .append("\",\"retrieved_on\":1478225196,\"score\":").append((long) Math.floor(Math.exp(r.nextDouble() * 8)) - 1)
            .append(",\"stickied\":false,\"subreddit\":\"").append(onWp ? "WritingPrompts" : "AskReddit").append("\",\"subreddit_id\":\"t5_2qh1i\"}\n");
        w.write(sb.toString());
        written += sb.length();
      }
    }
    System.out.printf("synth: %,d submissions (%,d WritingPrompts), %,d comments -> %s%n", nSubs, wp.size(), nComs, dir);
  }
}
