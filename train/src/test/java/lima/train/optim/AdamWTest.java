package lima.train.optim;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {

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

  /**
   * The weights after every step, and both moments after the last, equal what torch.optim.AdamW
   * computes (adamw-torch.json, recorded by make_adamw_fixture.py beside it with torch 2.7.1): decoupled
   * decay on the matrix, none on the vector, a learning rate that changes every step, gradients from
   * 1e-2 to 1e2 with a zero entry.
   */
  @Test
  void matchesTorchAdamWStepByStep(@TempDir Path dir) throws Exception {
    JsonNode fx;
    try (InputStream in = AdamWTest.class.getResourceAsStream("adamw-torch.json")) {
      fx = Json.MAPPER.readTree(in);
    }
    var s = new AdamW.Settings(fx.get("betas").get(0).asDouble(), fx.get("betas").get(1).asDouble(), fx.get("eps").asDouble(), fx.get("weight_decay").asDouble());
    try (NDManager mgr = NDManager.newBaseManager()) {
      NDArray mat = mgr.create(floats(fx.at("/init/mat")), new Shape(3, 4));
      NDArray vec = mgr.create(floats(fx.at("/init/vec")), new Shape(4));
      mat.setRequiresGradient(true);
      vec.setRequiresGradient(true);
      try (AdamW opt = new AdamW(mgr, List.of(AdamW.Param.of("mat", mat), AdamW.Param.of("vec", vec)), s)) {
        assertTrue(opt.params().get(0).decay(), "matrices are decayed");
        assertFalse(opt.params().get(1).decay(), "vectors are not");
        JsonNode steps = fx.get("steps");
        assertEquals(5, steps.size());
        for (int t = 0; t < steps.size(); t++) {
          setGrad(mgr, mat, floats(fx.get("grads").get(t).get("mat")));
          setGrad(mgr, vec, floats(fx.get("grads").get(t).get("vec")));
          opt.update(steps.get(t).get("lr").asDouble());
          assertClose(floats(steps.get(t).get("mat")), mat.toFloatArray(), "matrix after step " + (t + 1));
          assertClose(floats(steps.get(t).get("vec")), vec.toFloatArray(), "vector after step " + (t + 1));
        }
        assertEquals(5, opt.step());
        opt.save(dir.resolve("opt.bin"));
      }
    }
    // optimizer.bin: magic, step, count, then per parameter name, shape, m bytes, v bytes (little-endian fp32)
    try (var in = new DataInputStream(Files.newInputStream(dir.resolve("opt.bin")))) {
      in.readInt();
      assertEquals(5, in.readLong());
      assertEquals(2, in.readInt());
      for (String name : List.of("mat", "vec")) {
        assertEquals(name, in.readUTF());
        int rank = in.readInt();
        for (int k = 0; k < rank; k++) in.readLong();
        assertClose(floats(fx.get("exp_avg").get(name)), readFloats(in), "first moment of " + name);
        assertClose(floats(fx.get("exp_avg_sq").get(name)), readFloats(in), "second moment of " + name);
      }
    }
  }

  /** Within 2 float32 ulps of torch's value (the order of float operations may differ slightly). */
  static void assertClose(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++)
      assertTrue(Math.abs(want[i] - got[i]) <= 2 * Math.ulp(Math.max(Math.abs(want[i]), Math.abs(got[i]))) + 1e-30,
          what + " [" + i + "]: torch " + want[i] + ", lima " + got[i]);
  }

  static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
    return f;
  }

  static float[] readFloats(DataInputStream in) throws java.io.IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    java.nio.FloatBuffer fb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] f = new float[fb.remaining()];
    fb.get(f);
    return f;
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
}
