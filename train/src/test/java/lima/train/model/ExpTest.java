package lima.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class ExpTest {
  /** Distance in units in the last place between two positive floats. */
  private static int ulps(float a, float b) {
    return Math.abs(Float.floatToIntBits(a) - Float.floatToIntBits(b));
  }

  @Test
  void withinTwoUnitsInTheLastPlaceOfTheCorrectlyRoundedValueOverTheWholeRange() {
    int worst = 0;
    float worstAt = 0f;
    // Every 1001st float from -87.3 to 88.3 (about 2 million values): both signs, tiny and large magnitudes.
    for (int sign = 0; sign < 2; sign++) {
      float end = sign == 0 ? 88.3f : 87.3f;
      for (int bits = 0; Float.intBitsToFloat(bits) <= end; bits += 1001) {
        float x = sign == 0 ? Float.intBitsToFloat(bits) : -Float.intBitsToFloat(bits);
        int u = check(x);
        if (u > worst) {
          worst = u;
          worstAt = x;
        }
      }
    }
    assertTrue(worst <= 2, "worst error " + worst + " ulps at " + worstAt);
    assertEquals(1f, Exp.exp(0f));
  }

  private static int check(float x) {
    float want = (float) StrictMath.exp(x);
    // Below about -87.3 the result is subnormal; the range checked stays above it.
    return ulps(Exp.exp(x), want);
  }

  @Test
  void clampsOutsideTheRangeInsteadOfOverflowing() {
    assertEquals(Exp.exp(-87.3f), Exp.exp(-1000f));
    assertEquals(Exp.exp(88.3f), Exp.exp(1000f));
    assertTrue(Float.isFinite(Exp.exp(Float.MAX_VALUE)) && Exp.exp(Float.MAX_VALUE) > 1e38f);
    assertTrue(Exp.exp(-Float.MAX_VALUE) > 0f && Exp.exp(-Float.MAX_VALUE) < 2e-38f);
  }

  @Test
  void lanesGiveTheSameBitsAsOneValueAtATime() {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[Exp.L * 4096];
    for (int i = 0; i < x.length; i++) {
      // Softmax arguments (<= 0), SiLU arguments (either sign), and past both ends.
      x[i] = switch (i % 3) {
        case 0 -> (float) (-r.nextDouble() * 30);
        case 1 -> (float) r.nextGaussian() * 8;
        default -> (float) (r.nextDouble() * 240 - 120);
      };
    }
    float[] lanes = new float[x.length];
    for (int i = 0; i < x.length; i += Exp.L) Exp.exp(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i)).intoArray(lanes, i);
    for (int i = 0; i < x.length; i++) assertEquals(Float.floatToIntBits(Exp.exp(x[i])), Float.floatToIntBits(lanes[i]), "exp(" + x[i] + ")");
  }
}
