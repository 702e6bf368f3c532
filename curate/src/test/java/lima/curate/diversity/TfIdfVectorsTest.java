package lima.curate.diversity;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class TfIdfVectorsTest {
  @Test
  void similarTitlesAreCloserThanUnrelatedOnes() {
    var v = TfIdfVectors.of(List.of("How to cook an omelette", "Cooking omelettes at home", "How to change a car tyre", ""));
    double same = v.get(0).cosine(v.get(1));
    double other = v.get(0).cosine(v.get(2));
    assertTrue(same > other, same + " vs " + other);
    assertEquals(1.0, v.get(0).cosine(v.get(0)), 1e-6);
    assertTrue(v.get(3).isEmpty());
    assertEquals(0.0, v.get(3).cosine(v.get(0)));
  }

  @Test
  void stemsAndDropsStopWords() {
    try (var a = new org.apache.lucene.analysis.en.EnglishAnalyzer()) {
      assertEquals(List.of("cook", "omelett"), TfIdfVectors.terms(a, "The Cooking of Omelettes"));
    }
  }
}
