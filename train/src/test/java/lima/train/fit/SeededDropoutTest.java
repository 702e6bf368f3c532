package lima.train.fit;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SeededDropoutTest {
  static float[] row(float[] m, int b, int t, int tUsed, int h) {
    return Arrays.copyOfRange(m, b * t * h, b * t * h + tUsed * h);
  }

  @Test
  void anExamplesMaskDependsOnlyOnSeedStepExampleLayerAndBranch() {
    try (NDManager mgr = NDManager.newBaseManager()) {
      int h = 16;
      // example 5 alone (3 positions) and as the second row of a padded batch of 7 positions
      float[] alone = new SeededDropout(9, 4, new int[] {5}).mask(2, 1, 0.3f, mgr.zeros(new Shape(1, 3, h))).toFloatArray();
      float[] batched = new SeededDropout(9, 4, new int[] {11, 5}).mask(2, 1, 0.3f, mgr.zeros(new Shape(2, 7, h))).toFloatArray();
      assertArrayEquals(alone, row(batched, 1, 7, 3, h));
      // across blocks of positions: 150 positions alone and padded to 300 beside another example
      int t = 2 * SeededDropout.BLOCK + 22;
      float[] longAlone = new SeededDropout(9, 4, new int[] {5}).mask(0, 0, 0.3f, mgr.zeros(new Shape(1, t, h))).toFloatArray();
      float[] longBatched = new SeededDropout(9, 4, new int[] {5, 8}).mask(0, 0, 0.3f, mgr.zeros(new Shape(2, 2 * t, h))).toFloatArray();
      assertArrayEquals(longAlone, row(longBatched, 0, 2 * t, t, h));
      for (var other : new SeededDropout[] {new SeededDropout(10, 4, new int[] {5}), new SeededDropout(9, 5, new int[] {5}), new SeededDropout(9, 4, new int[] {6})})
        assertFalse(Arrays.equals(alone, other.mask(2, 1, 0.3f, mgr.zeros(new Shape(1, 3, h))).toFloatArray()), other.toString());
      assertFalse(Arrays.equals(alone, new SeededDropout(9, 4, new int[] {5}).mask(3, 1, 0.3f, mgr.zeros(new Shape(1, 3, h))).toFloatArray()), "layer");
      assertFalse(Arrays.equals(alone, new SeededDropout(9, 4, new int[] {5}).mask(2, 0, 0.3f, mgr.zeros(new Shape(1, 3, h))).toFloatArray()), "branch");
    }
  }

  @Test
  void aboutPOfTheUnitsAreDroppedAndTheRestScaled() {
    try (NDManager mgr = NDManager.newBaseManager()) {
      NDArray x = mgr.zeros(new Shape(4, 100, 50));
      float[] m = new SeededDropout(1, 1, new int[] {0, 1, 2, 3}).mask(0, 0, 0.2f, x).toFloatArray();
      long dropped = 0;
      for (float f : m) {
        if (f == 0f) dropped++;
        else assertEquals(1 / 0.8f, f, 0f);
      }
      double frac = dropped / (double) m.length;
      assertEquals(0.2, frac, 0.01, "dropped " + frac); // 20,000 draws: sd 0.003
    }
  }
}
