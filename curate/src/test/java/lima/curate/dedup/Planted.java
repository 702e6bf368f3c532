package lima.curate.dedup;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** Random texts and near-duplicates of them at a known word-3-shingle Jaccard similarity, for tests. */
final class Planted {
  private Planted() {}

  static String[] vocab(SplittableRandom r, int n) {
    String[] v = new String[n];
    for (int i = 0; i < n; i++) {
      char[] c = new char[4 + r.nextInt(5)];
      for (int j = 0; j < c.length; j++) c[j] = (char) ('a' + r.nextInt(26));
      v[i] = new String(c);
    }
    return v;
  }

  static String[] text(SplittableRandom r, String[] vocab, int words) {
    String[] w = new String[words];
    for (int i = 0; i < words; i++) w[i] = vocab[r.nextInt(vocab.length)];
    return w;
  }

  static Set<String> shingles(String[] w) {
    Set<String> s = new HashSet<>();
    for (int i = 0; i + 3 <= w.length; i++) s.add(w[i] + " " + w[i + 1] + " " + w[i + 2]);
    return s;
  }

  static double jaccard(String[] a, String[] b) {
    Set<String> x = shingles(a), y = shingles(b);
    int inter = 0;
    for (String s : x) if (y.contains(s)) inter++;
    return (double) inter / (x.size() + y.size() - inter);
  }

  /** A copy of {@code base} with words replaced until its exact Jaccard is just at or above {@code target}. */
  static String[] variant(SplittableRandom r, String[] vocab, String[] base, double target) {
    String[] w = base.clone();
    for (int tries = 0; tries < 500; tries++) {
      int p = r.nextInt(w.length);
      String old = w[p];
      w[p] = vocab[r.nextInt(vocab.length)];
      if (jaccard(base, w) < target) {
        w[p] = old;
        if (jaccard(base, w) - target < 0.04) break;
      }
    }
    return w;
  }

  static List<String> join(List<String[]> texts) {
    List<String> out = new ArrayList<>();
    for (String[] t : texts) out.add(String.join(" ", t));
    return out;
  }
}
