package lima.train.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x in float arithmetic, many lanes at a time, for the CPU decoder's softmax and SiLU: x = n ln 2 + r with n
 * the nearest integer to x / ln 2 and |r| <= ln 2 / 2, e^r by Cephes' degree-6 polynomial ({@code expf}), times
 * 2^n put in the exponent bits. Within 2 units in the last place of the correctly rounded value for x in
 * [-87.3, 88.3]; below that it returns e^-87.3 (about 1.2e-38, where a softmax weight or a SiLU gate is zero
 * for every purpose), above it e^88.3 (2.2e38).
 *
 * <p>Every step is an IEEE operation (fused multiply-add, add, multiply, exact conversions), so a lane and
 * {@link #exp(float)} give the same bits on every machine and vector width: the decoder's results do not
 * depend on how many values went through at once. ({@link Math#exp} is several times slower and has no lane
 * version; the Vector API's {@code EXP} may differ by platform.)
 */
final class Exp {
  private Exp() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();
  private static final float LO = -87.3f, HI = 88.3f;
  private static final float LOG2E = 1.44269504088896341f;
  /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
  private static final float ROUND = 12582912f;
  /** ln 2 in two parts (C1 exact in few bits, so n * C1 is exact). */
  private static final float C1 = 0.693359375f, C2 = -2.12194440e-4f;
  private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

  static float exp(float x) {
    x = Math.min(Math.max(x, LO), HI);
    float n = Math.fma(x, LOG2E, ROUND) - ROUND;
    float r = Math.fma(n, -C2, Math.fma(n, -C1, x));
    float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P0, r, P1), r, P2), r, P3), r, P4), r, P5);
    float y = Math.fma(p, r * r, r) + 1f;
    return y * Float.intBitsToFloat(((int) n + 127) << 23);
  }

  private static final FloatVector VLOG2E = FloatVector.broadcast(S, LOG2E), VROUND = FloatVector.broadcast(S, ROUND);
  private static final FloatVector NC1 = FloatVector.broadcast(S, -C1), NC2 = FloatVector.broadcast(S, -C2);
  private static final FloatVector V0 = FloatVector.broadcast(S, P0), V1 = FloatVector.broadcast(S, P1), V2 = FloatVector.broadcast(S, P2), V3 = FloatVector.broadcast(S, P3),
      V4 = FloatVector.broadcast(S, P4), V5 = FloatVector.broadcast(S, P5);

  static FloatVector exp(FloatVector x) {
    x = x.max(LO).min(HI);
    FloatVector n = x.fma(VLOG2E, VROUND).sub(VROUND);
    FloatVector r = n.fma(NC2, n.fma(NC1, x));
    FloatVector p = V0.fma(r, V1).fma(r, V2).fma(r, V3).fma(r, V4).fma(r, V5);
    FloatVector y = p.fma(r.mul(r), r).add(1f);
    IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
    return y.mul(bits.reinterpretAsFloats());
  }
}
