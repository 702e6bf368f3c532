package lima.train.optim;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {

  /** Reference AdamW in doubles, the torch.optim.AdamW formula. */
  static double[] reference(double[] w0, double[][] grads, double[] lrs, AdamW.Settings s, boolean decay) {
    double[] w = w0.clone();
    double[] m = new double[w.length];
    double[] v = new double[w.length];
    for (int t = 1; t <= grads.length; t++) {
      double lr = lrs[t - 1];
      double bc1 = 1 - Math.pow(s.beta1(), t), bc2 = 1 - Math.pow(s.beta2(), t);
      for (int i = 0; i < w.length; i++) {
        double g = grads[t - 1][i];
        if (decay) w[i] *= 1 - lr * s.weightDecay();
        m[i] = s.beta1() * m[i] + (1 - s.beta1()) * g;
        v[i] = s.beta2() * v[i] + (1 - s.beta2()) * g * g;
        w[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + s.eps());
      }
    }
    return w;
  }

  /** Makes the gradient of w equal g through a real backward pass of sum(w * g). */
  private static void setGrad(NDManager mgr, NDArray w, float[] g) {
    try (NDManager sub = mgr.newSubManager()) {
      if (w.hasGradient()) {
        NDArray old = w.getGradient();
        old.subi(old);
        old.close();
      }
      NDArray c = sub.create(g, w.getShape());
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = w.mul(c).sum();
        loss.attach(sub);
        gc.backward(loss);
      }
    }
  }

  @Test
  void matchesTheReferenceFormulaAndSkipsDecayOnVectors() {
    var s = AdamW.Settings.LIMA;
    double[] mat0 = {0.5, -1.0, 2.0, 0.25};
    double[] vec0 = {1.0, 1.0};
    double[][] gm = {{0.1, -0.2, 0.3, 0.0}, {-0.5, 0.4, 0.01, 1.0}, {0.2, 0.2, -0.2, -0.3}};
    double[][] gv = {{0.3, -0.1}, {0.2, 0.05}, {-1.0, 0.5}};
    var sched = new LinearDecay(1e-2, 1e-3, 3);
    double[] lrs = {sched.at(1), sched.at(2), sched.at(3)};
    try (NDManager mgr = NDManager.newBaseManager()) {
      NDArray mat = mgr.create(toF(mat0), new Shape(2, 2));
      NDArray vec = mgr.create(toF(vec0), new Shape(2));
      mat.setRequiresGradient(true);
      vec.setRequiresGradient(true);
      try (AdamW opt = new AdamW(mgr, List.of(AdamW.Param.of("mat", mat), AdamW.Param.of("vec", vec)), s)) {
        assertTrue(opt.params().get(0).decay());
        assertFalse(opt.params().get(1).decay());
        for (int t = 0; t < 3; t++) {
          setGrad(mgr, mat, toF(gm[t]));
          setGrad(mgr, vec, toF(gv[t]));
          opt.update(lrs[t]);
        }
        assertEquals(3, opt.step());
      }
      assertArrayEquals(toF(reference(mat0, gm, lrs, s, true)), mat.toFloatArray(), 1e-6f);
      assertArrayEquals(toF(reference(vec0, gv, lrs, s, false)), vec.toFloatArray(), 1e-6f);
    }
  }

  @Test
  void savedStateResumesBitForBit(@TempDir Path dir) throws Exception {
    float[] w0 = {0.3f, -0.7f, 1.1f, 0.05f, 2f, -3f};
    float[][] grads = {{0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f}, {-0.2f, 0.1f, 0.3f, 0.9f, -0.1f, 0.2f}, {0.3f, 0.3f, -0.3f, 0.1f, 0.2f, 0.7f}};
    float[] straight;
    try (NDManager mgr = NDManager.newBaseManager()) {
      NDArray w = mgr.create(w0, new Shape(2, 3));
      w.setRequiresGradient(true);
      try (AdamW opt = new AdamW(mgr, List.of(AdamW.Param.of("w", w)), AdamW.Settings.LIMA)) {
        for (float[] g : grads) {
          setGrad(mgr, w, g);
          opt.update(1e-3);
        }
      }
      straight = w.toFloatArray();
    }
    float[] resumed;
    float[] afterTwo;
    try (NDManager mgr = NDManager.newBaseManager()) {
      NDArray w = mgr.create(w0, new Shape(2, 3));
      w.setRequiresGradient(true);
      try (AdamW opt = new AdamW(mgr, List.of(AdamW.Param.of("w", w)), AdamW.Settings.LIMA)) {
        for (int t = 0; t < 2; t++) {
          setGrad(mgr, w, grads[t]);
          opt.update(1e-3);
        }
        opt.save(dir.resolve("opt.bin"));
      }
      afterTwo = w.toFloatArray();
    }
    try (NDManager mgr = NDManager.newBaseManager()) {
      NDArray w = mgr.create(afterTwo, new Shape(2, 3));
      w.setRequiresGradient(true);
      try (AdamW opt = new AdamW(mgr, List.of(AdamW.Param.of("w", w)), AdamW.Settings.LIMA)) {
        opt.load(dir.resolve("opt.bin"));
        assertEquals(2, opt.step());
        setGrad(mgr, w, grads[2]);
        opt.update(1e-3);
      }
      resumed = w.toFloatArray();
    }
    assertArrayEquals(straight, resumed, 0f);
  }

  @Test
  void scheduleIsLinearWithoutWarmup() {
    var d = new LinearDecay(1e-5, 1e-6, 10);
    assertEquals(1e-5, d.at(1), 1e-18);
    assertEquals(1e-6, d.at(10), 1e-18);
    assertEquals(1e-5 - 4 * (9e-6 / 9), d.at(5), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> d.at(11));
    assertThrows(IllegalArgumentException.class, () -> new LinearDecay(1e-6, 1e-5, 3));
  }

  static float[] toF(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }
}
