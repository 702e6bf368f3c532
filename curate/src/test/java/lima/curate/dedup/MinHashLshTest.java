package lima.curate.dedup;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import lima.core.Example;
import org.junit.jupiter.api.Test;

class MinHashLshTest {

  @Test
  void signatureHasOneValuePerBucketAndNullForNoWords() {
    try (MinHasher h = new MinHasher(64, 3)) {
      int[] s = h.signature("the quick brown fox jumps over the lazy dog");
      assertEquals(64, s.length);
      assertArrayEquals(s, h.signature("The QUICK brown fox, jumps over the lazy dog!"), "tokenizer and lower-casing ignore case and punctuation");
      assertNull(h.signature("  ... "));
      assertNotNull(h.signature("one"), "shorter than a shingle: its words count");
    }
  }

  @Test
  void estimateTracksExactJaccard() {
    long seed = 11;
    System.out.println("MinHashLshTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    String[] vocab = Planted.vocab(r, 5000);
    try (MinHasher h = new MinHasher(128, 3)) {
      double worst = 0;
      for (double target : new double[] {0.3, 0.5, 0.7, 0.9}) {
        for (int i = 0; i < 20; i++) {
          String[] a = Planted.text(r, vocab, 60);
          String[] b = Planted.variant(r, vocab, a, target);
          double exact = Planted.jaccard(a, b);
          double est = MinHasher.similarity(h.signature(String.join(" ", a)), 0, h.signature(String.join(" ", b)), 0, 128);
          worst = Math.max(worst, Math.abs(exact - est));
        }
      }
      // 80 estimates with standard error <= 0.045: 4.5 standard errors
      assertTrue(worst < 0.2, "largest estimate error " + worst);
    }
  }

  @Test
  void bandingFollowsTheSCurve() {
    Lsh l = Lsh.choose(0.8, 128);
    assertTrue(l.bands() * l.rows() <= 128);
    assertTrue(l.probability(0.75) >= 0.99, l + " at 0.75: " + l.probability(0.75));
    assertTrue(l.probability(0.2) < 0.05, l + " at 0.2: " + l.probability(0.2));
    assertEquals(1 - Math.pow(1 - Math.pow(0.5, 4), 32), new Lsh(32, 4).probability(0.5), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> Lsh.choose(0, 128));
  }

  @Test
  void recallOnPlantedNearDuplicates() {
    long seed = 5;
    System.out.println("recall test seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    String[] vocab = Planted.vocab(r, 20000);
    List<Example> docs = new ArrayList<>();
    List<int[]> high = new ArrayList<>(), low = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String[] base = Planted.text(r, vocab, 30 + r.nextInt(40));
      docs.add(Example.of("b" + i, "t", String.join(" ", base), "", null));
      double target = i % 2 == 0 ? 0.9 : 0.35;
      String[] v = Planted.variant(r, vocab, base, target);
      docs.add(Example.of("v" + i, "t", String.join(" ", v), "", null));
      (target > 0.8 ? high : low).add(new int[] {docs.size() - 2, docs.size() - 1});
    }
    DedupConfig cfg = DedupConfig.defaults().withField(DedupConfig.Field.PROMPT);
    try (MinHasher h = new MinHasher(cfg.numHashes(), cfg.shingle())) {
      Clustering c = Dedup.inMemory(docs, cfg, h, null, 2).clustering();
      int found = 0, merged = 0;
      for (int[] p : high) if (c.cluster(p[0]) >= 0 && c.cluster(p[0]) == c.cluster(p[1])) found++;
      for (int[] p : low) if (c.cluster(p[0]) >= 0 && c.cluster(p[0]) == c.cluster(p[1])) merged++;
      assertTrue(found >= 0.95 * high.size(), "recall " + found + "/" + high.size());
      assertEquals(0, merged, "pairs at Jaccard ~0.35 merged");
    }
  }
}
