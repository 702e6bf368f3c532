package lima.curate.dedup;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import lima.core.Example;
import org.junit.jupiter.api.Test;

class ClusteringTest {
  static final String P = "How do I keep basil alive on a windowsill through the winter months";

  static Example ex(String id, String prompt, String response, Integer score) {
    return Example.of(id, "t", prompt, response, score == null ? Map.of() : Map.of("score", score));
  }

  Clustering run(List<Example> docs, DedupConfig.KeepRule keep) {
    DedupConfig cfg = DedupConfig.defaults().withField(DedupConfig.Field.PROMPT).withKeep(keep);
    try (MinHasher h = new MinHasher(cfg.numHashes(), cfg.shingle())) {
      return Dedup.inMemory(docs, cfg, h, null, 1).clustering();
    }
  }

  List<Example> docs() {
    return List.of(
        ex("a", P, "short", 3),
        ex("b", P.toUpperCase() + "?", "a much longer response", 9),
        ex("c", "Completely different question about car engines and oil", "x", 1),
        ex("d", "  how do i keep basil alive, on a windowsill through the winter months!", "mid length", 9));
  }

  @Test
  void highestScoreThenLongestThenFirst() {
    Clustering c = run(docs(), DedupConfig.KeepRule.HIGHEST_SCORE);
    // b and d tie on score 9; d's prompt is longer (leading spaces and punctuation), so d is kept
    assertEquals(3, c.keptOf(0));
    assertEquals(3, c.keptOf(1));
    assertTrue(c.kept(3));
    assertEquals(Clustering.Reason.EXACT_DUPLICATE, c.reason(0));
    assertTrue(c.kept(2));
    assertEquals(-1, c.cluster(2));
    assertEquals(1, c.clusters());
  }

  @Test
  void firstKeepsInputOrder() {
    Clustering c = run(docs(), DedupConfig.KeepRule.FIRST);
    assertTrue(c.kept(0));
    assertEquals(0, c.keptOf(1));
    assertEquals(0, c.keptOf(3));
    Map<String, Object> why = c.explain(1);
    assertEquals("a", why.get("kept_id"));
    assertEquals(0, why.get("cluster"));
    assertEquals(1.0, why.get("similarity"));
    assertEquals("exact", why.get("method"));
  }

  @Test
  void longestAndScoreTieBreaks() {
    List<Example> docs = List.of(ex("x", P, "r", 1), ex("y", P + ".", "r", 5), ex("z", P + "!!", "r", 5));
    Clustering longest = run(docs, DedupConfig.KeepRule.LONGEST);
    assertTrue(longest.kept(2), "z is the longest prompt");
    Clustering score = run(docs, DedupConfig.KeepRule.HIGHEST_SCORE);
    assertTrue(score.kept(2), "y and z tie on score, z is longer");
    List<Example> same = List.of(ex("x", P, "r", 5), ex("y", P, "r", 5));
    assertTrue(run(same, DedupConfig.KeepRule.HIGHEST_SCORE).kept(0), "full tie: the first");
  }

  @Test
  void nearDuplicateIsExplained() {
    List<Example> docs =
        List.of(
            ex("k", "the quick brown fox jumps over the lazy dog near the old river bank today while the farmer watches quietly", "r", 10),
            ex("n", "the quick brown fox jumps over the lazy dog near the old river bank today while the farmer watches closely", "r", 1));
    Clustering c = run(docs, DedupConfig.KeepRule.HIGHEST_SCORE);
    assertEquals(Clustering.Reason.NEAR_DUPLICATE, c.reason(1));
    Map<String, Object> why = c.explain(1);
    assertEquals("k", why.get("kept_id"));
    assertEquals("minhash", why.get("method"));
    double sim = (Double) why.get("similarity");
    assertTrue(sim > 0.7 && sim < 1.0, "similarity " + sim);
  }
}
