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
 * differ past the tolerance only where AdamW normalises a gradient that is zero up to rounding (of eps size, or a
 * sum whose terms cancel): its sign can differ between engines and the step is up to lr either way. Such elements
 * are counted (at most 0.1% of the weights, or 10), each must lie within the summed learning rates, and those whose
 * final AdamW second moment is still of eps size are counted too.
 */
final class Parity {
  static final double LOSS_REL = 1e-5, WEIGHT_ABS = 1e-5, EPS_GRADIENT = 1e-6;

  /** {@code epsElements}: elements past WEIGHT_ABS (each within the summed lr); {@code tinyRms}: of those, with a final gradient RMS below EPS_GRADIENT. */
  record Figures(double maxLossRel, double maxWeightDiff, long elements, long epsElements, long tinyRms, long steps) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d steps: max loss rel diff %.3g, max weight diff %.3g over %,d elements (but %d elements past %.0e, each within"
          + " the summed lr; %d of them with a final gradient rms < %.0e)", steps, maxLossRel, maxWeightDiff, elements, epsElements, WEIGHT_ABS, tinyRms, EPS_GRADIENT);
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
    double worst = 0, lrSum = 0;
    for (Metrics.Metric m : Metrics.read(refRun.resolve(Metrics.FILE))) lrSum += m.lr();
    long n = 0, eps = 0, tinyRms = 0;
    try (SafetensorsCheckpoint a = SafetensorsCheckpoint.open(refRun.resolve("final")); SafetensorsCheckpoint b = SafetensorsCheckpoint.open(otherRun.resolve("final"))) {
      assertEquals(a.tensors().keySet(), b.tensors().keySet());
      for (String name : a.tensors().keySet()) {
        float[] x = a.readArray(name), y = b.readArray(name);
        assertEquals(x.length, y.length, name);
        for (int i = 0; i < x.length; i++) {
          double d = Math.abs(x[i] - y[i]);
          n++;
          worst = Math.max(worst, d);
          if (d <= WEIGHT_ABS) continue;
          // AdamW moves an element by about lr * m / sqrt(v) whatever the gradient's size: a gradient at rounding
          // level (cancelling terms, or of eps size) can take the other sign in the other engine, and the element
          // then moves by up to lr the other way. Such an element differs by at most the summed learning rates.
          assertTrue(d <= lrSum, name + "[" + i + "] differs by " + d + ", more than AdamW can move it (" + lrSum + ")");
          eps++;
          if (v.containsKey(name) && Math.sqrt(v.get(name)[i] / bc2) < EPS_GRADIENT) tinyRms++;
        }
      }
    }
    assertTrue(eps <= Math.max(10, n / 1000), eps + " of " + n + " elements differ past " + WEIGHT_ABS);
    return new Figures(lossRel, worst, n, eps, tinyRms, Metrics.read(refRun.resolve(Metrics.FILE)).size());
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
