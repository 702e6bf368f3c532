package lima.train.generate;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
  static float[] logitsOf(double... probs) {
    float[] l = new float[probs.length];
    for (int i = 0; i < probs.length; i++) l[i] = (float) Math.log(probs[i]);
    return l;
  }

  @Test
  void greedyTakesTheLargestLowestIdOnTies() {
    assertEquals(2, new GreedySampler().sample(new float[] {0, 1, 3, 3}, new SplittableRandom(1)));
  }

  @Test
  void nucleusIsTheSmallestSetReachingP() {
    float[] l = logitsOf(0.15, 0.5, 0.05, 0.3);
    assertArrayEquals(new int[] {1, 3, 0}, new TopPSampler(1f, 0.9f).nucleus(l));
    assertArrayEquals(new int[] {1}, new TopPSampler(1f, 0.5f).nucleus(l));
    assertArrayEquals(new int[] {1, 3}, new TopPSampler(1f, 0.51f).nucleus(l));
    assertArrayEquals(new int[] {1, 3, 0, 2}, new TopPSampler(1f, 1f).nucleus(l));
    // A low temperature sharpens the distribution: 0.5^(1/0.1) dominates.
    assertArrayEquals(new int[] {1}, new TopPSampler(0.1f, 0.9f).nucleus(l));
  }

  @Test
  void theTopTokenIsAlwaysInTheNucleusOnNearFlatLogits() {
    // p below the top token's mass, on logits so flat that no token reaches (1-p)/(n-1).
    SplittableRandom noise = new SplittableRandom(7);
    float[] l = new float[32000];
    for (int i = 0; i < l.length; i++) l[i] = (float) (noise.nextDouble() * 1e-4);
    int top = GreedySampler.argmax(l);
    for (float p : new float[] {1e-6f, 1e-5f, 2.5e-5f}) {
      TopPSampler s = new TopPSampler(1f, p);
      assertArrayEquals(new int[] {top}, s.nucleus(l), "p = " + p);
      assertEquals(top, s.sample(l.clone(), new SplittableRandom(3)), "p = " + p);
    }
    // Exactly flat: ties go to the lowest id.
    assertArrayEquals(new int[] {0}, new TopPSampler(1f, 1e-4f).nucleus(new float[1000]));
    assertArrayEquals(new int[] {2}, new TopPSampler(0.7f, Float.MIN_VALUE).nucleus(logitsOf(0.3, 0.3, 0.4 - 1e-9, 1e-9)));
  }

  @Test
  void nucleusEqualsTheFullSortOnRandomInputs() {
    long seed = System.nanoTime();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int t = 0; t < 2000; t++) {
      int n = 1 + rng.nextInt(300);
      float[] l = new float[n];
      double spread = switch (rng.nextInt(3)) { case 0 -> 1e-6; case 1 -> 0.5; default -> 20; };
      for (int i = 0; i < n; i++) l[i] = (float) (rng.nextGaussian() * spread);
      float temp = (float) (0.05 + rng.nextDouble() * 2);
      float p = rng.nextInt(10) == 0 ? 1f : (float) Math.max(Float.MIN_VALUE, Math.pow(rng.nextDouble(), 3));
      double[] probs = TemperatureSampler.softmax(l, temp);
      Integer[] all = new Integer[n];
      for (int i = 0; i < n; i++) all[i] = i;
      java.util.Arrays.sort(all, (a, b) -> probs[a] != probs[b] ? Double.compare(probs[b], probs[a]) : Integer.compare(a, b));
      java.util.List<Integer> want = new java.util.ArrayList<>();
      double cum = 0;
      for (Integer i : all) {
        want.add(i);
        cum += probs[i];
        if (cum >= p) break;
      }
      int[] got = new TopPSampler(temp, p).nucleus(l);
      assertArrayEquals(want.stream().mapToInt(Integer::intValue).toArray(), got, "seed " + seed + ", case " + t + ", n " + n + ", p " + p);
    }
  }

  @Test
  void topPSamplesOnlyTheNucleusInProportion() {
    float[] l = logitsOf(0.15, 0.5, 0.05, 0.3);
    TopPSampler s = new TopPSampler(1f, 0.9f);
    SplittableRandom rng = new SplittableRandom(123);
    int[] count = new int[4];
    int n = 20000;
    for (int i = 0; i < n; i++) count[s.sample(l.clone(), rng)]++;
    assertEquals(0, count[2], "outside the nucleus");
    assertEquals(0.5 / 0.95, count[1] / (double) n, 0.02);
    assertEquals(0.3 / 0.95, count[3] / (double) n, 0.02);
    assertEquals(0.15 / 0.95, count[0] / (double) n, 0.02);
  }

  @Test
  void temperatureSamplingFollowsTheScaledSoftmax() {
    float[] l = logitsOf(0.2, 0.8);
    SplittableRandom rng = new SplittableRandom(5);
    int ones = 0, n = 20000;
    for (int i = 0; i < n; i++) ones += new TemperatureSampler(0.5f).sample(l.clone(), rng);
    // p ∝ p0^(1/T): 0.8^2 / (0.8^2 + 0.2^2) = 0.941
    assertEquals(0.64 / 0.68, ones / (double) n, 0.01);
  }

  @Test
  void sameSeedSameDraws() {
    float[] l = logitsOf(0.25, 0.25, 0.25, 0.25);
    SplittableRandom a = new SplittableRandom(9), b = new SplittableRandom(9);
    for (int i = 0; i < 50; i++) assertEquals(new TopPSampler(0.7f, 0.9f).sample(l.clone(), a), new TopPSampler(0.7f, 0.9f).sample(l.clone(), b));
  }

  @Test
  void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
    float[] l = {2f, -2f, 1f, 0f};
    new RepetitionPenalty(1.2f).apply(l, new boolean[] {true, true, false, true});
    assertArrayEquals(new float[] {2f / 1.2f, -2.4f, 1f, 0f}, l, 1e-6f);
  }

  @Test
  void optionsDefaultsAreThePapers() {
    GenerateOptions d = GenerateOptions.DEFAULTS;
    assertEquals(0.9f, d.topP());
    assertEquals(0.7f, d.temperature());
    assertEquals(1.2f, d.repetitionPenalty());
    assertEquals(2048, d.maxNewTokens());
    assertInstanceOf(TopPSampler.class, Sampler.of(d));
    assertInstanceOf(GreedySampler.class, Sampler.of(d.withTemperature(0)));
    var e = assertThrows(IllegalArgumentException.class, () -> d.withTopP(0));
    assertTrue(e.getMessage().contains("top-p"));
  }
}
