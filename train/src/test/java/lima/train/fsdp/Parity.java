package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lima.core.Json;
import lima.train.fit.Metrics;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generator;
import lima.train.generate.TokenListener;
import lima.train.safetensors.SafetensorsCheckpoint;

/**
 * Compares two runs of the same recipe: per-step loss, final weights, and greedy text from final/. Weights may
 * differ past the tolerance only where AdamW divides by a second moment of eps size (a gradient of ~1e-8 becomes a
 * step of up to lr): such elements are counted, and each must have sqrt(v_hat) below {@link #EPS_GRADIENT} in the
 * reference run's optimizer state.
 */
final class Parity {
  static final double LOSS_REL = 1e-5, WEIGHT_ABS = 1e-5, EPS_GRADIENT = 1e-6;

  record Figures(double maxLossRel, double maxWeightDiff, long elements, long epsElements, long steps) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d steps: max loss rel diff %.3g, max weight diff %.3g over %,d elements, %d eps-size elements", steps,
          maxLossRel, maxWeightDiff, elements, epsElements);
    }
  }

  /** Losses of every step agree to LOSS_REL (both null where a batch has no trained token). */
  static double lossRel(Path a, Path b) throws IOException {
    List<Metrics.Metric> ma = Metrics.read(a.resolve(Metrics.FILE)), mb = Metrics.read(b.resolve(Metrics.FILE));
    assertEquals(ma.size(), mb.size(), "steps in " + a + " and " + b);
    double worst = 0;
    for (int i = 0; i < ma.size(); i++) {
      double x = ma.get(i).loss(), y = mb.get(i).loss();
      assertEquals(ma.get(i).step(), mb.get(i).step());
      assertEquals(ma.get(i).trainedTokens(), mb.get(i).trainedTokens(), "trained tokens of step " + ma.get(i).step());
      assertEquals(ma.get(i).lr(), mb.get(i).lr(), 1e-15, "lr of step " + ma.get(i).step());
      if (Double.isNaN(x) || Double.isNaN(y)) {
        assertTrue(Double.isNaN(x) && Double.isNaN(y), "step " + ma.get(i).step() + ": loss " + x + " vs " + y);
        continue;
      }
      double rel = Math.abs(x - y) / Math.abs(x);
      worst = Math.max(worst, rel);
      assertTrue(rel <= LOSS_REL, "step " + ma.get(i).step() + ": loss " + x + " vs " + y + " (rel " + rel + ")");
    }
    return worst;
  }

  /** Final weights within WEIGHT_ABS except eps-size-gradient elements; {@code optimizer} is the DJL reference's optimizer.bin or null. */
  static Figures compare(Path refRun, Path otherRun, Path optimizer) throws IOException {
    double lossRel = lossRel(refRun, otherRun);
    Map<String, float[]> v = optimizer == null ? Map.of() : secondMoments(optimizer);
    long step = optimizer == null ? 0 : optimizerStep(optimizer);
    double bc2 = 1 - Math.pow(0.95, step);
    double worst = 0;
    long n = 0, eps = 0;
    try (SafetensorsCheckpoint a = SafetensorsCheckpoint.open(refRun.resolve("final")); SafetensorsCheckpoint b = SafetensorsCheckpoint.open(otherRun.resolve("final"))) {
      assertEquals(a.tensors().keySet(), b.tensors().keySet());
      for (String name : a.tensors().keySet()) {
        float[] x = a.readArray(name), y = b.readArray(name);
        assertEquals(x.length, y.length, name);
        for (int i = 0; i < x.length; i++) {
          double d = Math.abs(x[i] - y[i]);
          n++;
          if (d <= WEIGHT_ABS) {
            worst = Math.max(worst, d);
            continue;
          }
          assertNotNull(v.get(name), name + "[" + i + "] differs by " + d + " and there is no optimizer state to explain it");
          double rms = Math.sqrt(v.get(name)[i] / bc2);
          assertTrue(rms < EPS_GRADIENT, name + "[" + i + "] differs by " + d + " but its gradient is not of eps size (rms " + rms + ")");
          eps++;
        }
      }
    }
    assertTrue(eps <= Math.max(10, n / 1000), eps + " of " + n + " elements differ past " + WEIGHT_ABS);
    return new Figures(lossRel, worst, n, eps, Metrics.read(refRun.resolve(Metrics.FILE)).size());
  }

  static long optimizerStep(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      in.readInt();
      return in.readLong();
    }
  }

  /** v of every parameter from a DJL optimizer.bin (magic LADW, step, then name, shape, m, v). */
  static Map<String, float[]> secondMoments(Path file) throws IOException {
    Map<String, float[]> out = new HashMap<>();
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      in.readInt();
      in.readLong();
      int n = in.readInt();
      for (int k = 0; k < n; k++) {
        String name = in.readUTF();
        int dims = in.readInt();
        for (int d = 0; d < dims; d++) in.readLong();
        in.readFully(new byte[in.readInt()]); // m
        byte[] vb = new byte[in.readInt()];
        in.readFully(vb);
        float[] f = new float[vb.length / 4];
        ByteBuffer.wrap(vb).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        out.put(name, f);
      }
    }
    return out;
  }

  static String greedy(Path model, String prompt) throws IOException {
    try (Generator g = Generator.open(model)) {
      return g.generate(prompt, new GenerateOptions(40, 0f, 1f, 1f, 0L, List.of(), false), TokenListener.NONE).text();
    }
  }

  static JsonNode state(Path ckpt) throws IOException {
    return Json.MAPPER.readTree(ckpt.resolve("trainer-state.json").toFile());
  }
}
