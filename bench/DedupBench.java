// Benchmark helper for bench/dedup.bench.sh (run as a single-file Java program with lima.jar on the class path).
//   gen  N DIR SEED   writes DIR/docs.jsonl (N synthetic documents) and DIR/truth.tsv (planted pairs and their exact Jaccard)
//   eval DIR RUN      precision/recall of RUN (a `lima curate dedup` output folder) against exact Jaccard
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

public class DedupBench {
  static final double[] LEVELS = {1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.3};
  static final ObjectMapper M = new ObjectMapper();

  public static void main(String[] a) throws Exception {
    if (a[0].equals("gen")) gen(Integer.parseInt(a[1]), Path.of(a[2]), Long.parseLong(a[3]));
    else eval(Path.of(a[1]), Path.of(a[2]));
  }

  /** Word 3-shingles, as StandardTokenizer + LowerCaseFilter + ShingleFilter(3,3) see these texts. */
  static Set<String> shingles(String text) {
    String[] w = text.toLowerCase(Locale.ROOT).split("[^a-z]+");
    List<String> words = new ArrayList<>();
    for (String x : w) if (!x.isEmpty()) words.add(x);
    Set<String> s = new HashSet<>();
    if (words.size() < 3) s.addAll(words);
    for (int i = 0; i + 3 <= words.size(); i++) s.add(words.get(i) + " " + words.get(i + 1) + " " + words.get(i + 2));
    return s;
  }

  static double jaccard(Set<String> a, Set<String> b) {
    if (a.isEmpty() && b.isEmpty()) return 1;
    int inter = 0;
    for (String x : a) if (b.contains(x)) inter++;
    return (double) inter / (a.size() + b.size() - inter);
  }

  static void gen(int n, Path dir, long seed) throws Exception {
    Files.createDirectories(dir);
    SplittableRandom rnd = new SplittableRandom(seed);
    String[] vocab = new String[50_000];
    for (int i = 0; i < vocab.length; i++) {
      int len = 3 + rnd.nextInt(7);
      char[] c = new char[len];
      for (int j = 0; j < len; j++) c[j] = (char) ('a' + rnd.nextInt(26));
      vocab[i] = new String(c);
    }
    int variants = n / 4;
    int bases = n - variants;
    List<String[]> baseDocs = new ArrayList<>();
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("docs.jsonl"));
        BufferedWriter truth = Files.newBufferedWriter(dir.resolve("truth.tsv"))) {
      truth.write("variant\tbase\tlevel\tjaccard\n");
      int written = 0;
      // interleave: every 4th document is a variant of an earlier base document
      int b = 0, v = 0;
      while (written < n) {
        boolean variant = v < variants && b > 100 && (written % 4 == 3 || b >= bases);
        if (!variant) {
          int len = 20 + rnd.nextInt(41);
          String[] words = new String[len];
          for (int i = 0; i < len; i++) words[i] = vocab[rnd.nextInt(vocab.length)];
          baseDocs.add(words);
          write(out, "b" + b, String.join(" ", words));
          b++;
        } else {
          int of = rnd.nextInt(baseDocs.size());
          String[] base = baseDocs.get(of);
          double level = LEVELS[rnd.nextInt(LEVELS.length)];
          String text;
          double j;
          if (level == 1.0) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < base.length; i++) {
              String w = base[i];
              if (rnd.nextInt(5) == 0) w = w.toUpperCase(Locale.ROOT);
              sb.append(i == 0 ? "" : rnd.nextInt(6) == 0 ? ", " : " ").append(w);
            }
            text = sb.append(rnd.nextBoolean() ? "!" : ".").toString();
            j = 1.0;
          } else {
            // mutate word by word, keeping the last state whose exact Jaccard is still >= level
            String[] w = base.clone();
            Set<String> bs = shingles(String.join(" ", base));
            j = 1.0;
            for (int tries = 0; tries < 200; tries++) {
              int pos = rnd.nextInt(w.length);
              String old = w[pos];
              w[pos] = vocab[rnd.nextInt(vocab.length)];
              double nj = jaccard(bs, shingles(String.join(" ", w)));
              if (nj < level) {
                w[pos] = old;
                if (j - level < 0.03) break;
              } else {
                j = nj;
              }
            }
            text = String.join(" ", w);
          }
          write(out, "v" + v, text);
          truth.write("v" + v + "\tb" + of + "\t" + level + "\t" + j + "\n");
          v++;
        }
        written++;
      }
    }
  }

  static void write(BufferedWriter out, String id, String text) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("conversations", List.of(text));
    m.put("source", "synthetic");
    m.put("id", id);
    out.write(M.writeValueAsString(m));
    out.write('\n');
  }

  static void eval(Path dir, Path run) throws Exception {
    // cluster of every id in a cluster of two or more
    Map<String, Integer> cluster = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(run.resolve("clusters.jsonl"))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode c = M.readTree(line);
        int id = c.get("cluster").asInt();
        for (JsonNode m : c.get("members")) cluster.put(m.get("id").asText(), id);
      }
    }
    // recall per planted level, against exact Jaccard
    TreeMap<Double, int[]> perLevel = new TreeMap<>(Comparator.reverseOrder());
    int[] atT = new int[2];
    int[] below = new int[2];
    try (BufferedReader r = Files.newBufferedReader(dir.resolve("truth.tsv"))) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t");
        Integer cv = cluster.get(f[0]), cb = cluster.get(f[1]);
        boolean found = cv != null && cv.equals(cb);
        double j = Double.parseDouble(f[3]);
        int[] c = perLevel.computeIfAbsent(Double.parseDouble(f[2]), k -> new int[3]);
        c[0]++;
        if (found) c[1]++;
        int[] t = j >= 0.8 ? atT : below;
        t[0]++;
        if (found) t[1]++;
      }
    }
    System.out.println("recall per planted level (pairs with exact Jaccard >= level, within ~0.03):");
    for (var e : perLevel.entrySet())
      System.out.printf(Locale.ROOT, "  level %.2f: %d pairs, found %d (%.4f)%n", e.getKey(), e.getValue()[0], e.getValue()[1], (double) e.getValue()[1] / e.getValue()[0]);
    System.out.printf(Locale.ROOT, "RECALL at exact Jaccard >= 0.8: %.4f (%d of %d planted pairs)%n", (double) atT[1] / atT[0], atT[1], atT[0]);
    System.out.printf(Locale.ROOT, "merged planted pairs below 0.8: %.4f (%d of %d)%n", (double) below[1] / below[0], below[1], below[0]);
    // precision on a seeded sample of near-duplicate drops: exact Jaccard with the record they were linked to
    List<String[]> drops = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(run.resolve("rejects.jsonl"))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode j = M.readTree(line);
        if (!j.path("reason").asText().equals("near_duplicate")) continue;
        JsonNode c = j.get("context");
        String other = c.has("linked_to") ? c.get("linked_to").asText() : c.get("kept_id").asText();
        drops.add(new String[] {j.get("id").asText(), other});
      }
    }
    Collections.shuffle(drops, new Random(7));
    List<String[]> sample = drops.subList(0, Math.min(20_000, drops.size()));
    Set<String> need = new HashSet<>();
    for (String[] d : sample) need.addAll(List.of(d));
    Map<String, String> text = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(dir.resolve("docs.jsonl"))) {
      String line;
      while ((line = r.readLine()) != null) {
        int i = line.indexOf("\"id\":\"");
        String id = line.substring(i + 6, line.indexOf('"', i + 6));
        if (need.contains(id)) text.put(id, M.readTree(line).get("conversations").get(0).asText());
      }
    }
    int ok8 = 0, ok7 = 0;
    for (String[] d : sample) {
      double j = jaccard(shingles(text.get(d[0])), shingles(text.get(d[1])));
      if (j >= 0.8) ok8++;
      if (j >= 0.7) ok7++;
    }
    System.out.printf(Locale.ROOT, "PRECISION (sample of %d near-duplicate drops; exact Jaccard with the linked record >= 0.8): %.4f; >= 0.7: %.4f%n",
        sample.size(), (double) ok8 / Math.max(1, sample.size()), (double) ok7 / Math.max(1, sample.size()));
  }
}
