package lima.train.fit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.UserException;

/**
 * Every setting of {@code lima train}, with the paper's recipe as defaults (LIMA section 3): 15
 * epochs, AdamW (0.9, 0.95, weight decay 0.1), learning rate 1e-5 falling linearly to 1e-6, no
 * warmup, 32 examples per step, residual dropout from 0 to 0.3, sequences trimmed at 2,048 tokens.
 * Each field has a flag {@code --name} and the same key in a {@code --config} JSON file.
 */
public record TrainConfig(
    int epochs,
    double lr,
    double finalLr,
    int batch,
    int microBatch,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    double dropoutTop,
    int maxLen,
    long seed,
    int saveEvery,
    String device,
    double clip,
    int threads,
    int stopAfter) {

  /** Config keys, in the order they are documented. */
  public static final List<String> KEYS =
      List.of("epochs", "lr", "final-lr", "batch", "micro-batch", "weight-decay", "beta1", "beta2", "eps", "dropout-top",
          "max-len", "seed", "save-every", "device", "clip", "threads", "stop-after");

  public static final TrainConfig LIMA = new TrainConfig(15, 1e-5, 1e-6, 32, 1, 0.1, 0.9, 0.95, 1e-8, 0.3, 2048, 42, 0, "cpu", 0, 0, 0);

  public TrainConfig {
    check(epochs >= 1, "epochs must be >= 1, got " + epochs);
    check(lr > 0, "lr must be > 0, got " + lr);
    check(finalLr >= 0 && finalLr <= lr, "final-lr must be in [0, lr], got " + finalLr);
    check(batch >= 1, "batch must be >= 1, got " + batch);
    check(microBatch >= 1 && microBatch <= batch, "micro-batch must be in [1, batch], got " + microBatch);
    check(weightDecay >= 0, "weight-decay must be >= 0, got " + weightDecay);
    check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
    check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
    check(eps > 0, "eps must be > 0, got " + eps);
    check(dropoutTop >= 0 && dropoutTop < 1, "dropout-top must be in [0, 1), got " + dropoutTop);
    check(maxLen >= 2, "max-len must be >= 2, got " + maxLen);
    check(saveEvery >= 0, "save-every must be >= 0, got " + saveEvery);
    device = device == null ? "cpu" : device.toLowerCase(Locale.ROOT);
    check(device.equals("cpu") || device.equals("gpu"), "device must be cpu or gpu, got " + device);
    check(clip >= 0, "clip must be >= 0 (0: off), got " + clip);
    check(threads >= 0, "threads must be >= 0, got " + threads);
    check(stopAfter >= 0, "stop-after must be >= 0, got " + stopAfter);
  }

  private static void check(boolean ok, String msg) {
    if (!ok) throw new UserException(msg);
  }

  /** Dropout of residual branch {@code layer} of {@code layers}: linear from 0 (first) to dropoutTop (last). */
  public double dropoutAt(int layer, int layers) {
    return layers <= 1 ? dropoutTop : dropoutTop * layer / (layers - 1);
  }

  public double[] dropouts(int layers) {
    double[] d = new double[layers];
    for (int i = 0; i < layers; i++) d[i] = dropoutAt(i, layers);
    return d;
  }

  /** The configuration as key -> value, keys as the flags spell them. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epochs", epochs);
    m.put("lr", lr);
    m.put("final-lr", finalLr);
    m.put("batch", batch);
    m.put("micro-batch", microBatch);
    m.put("weight-decay", weightDecay);
    m.put("beta1", beta1);
    m.put("beta2", beta2);
    m.put("eps", eps);
    m.put("dropout-top", dropoutTop);
    m.put("max-len", maxLen);
    m.put("seed", seed);
    m.put("save-every", saveEvery);
    m.put("device", device);
    m.put("clip", clip);
    m.put("threads", threads);
    m.put("stop-after", stopAfter);
    return m;
  }

  /**
   * Resolves the configuration: defaults, overridden by the config file's keys, overridden by the
   * flags given on the command line ({@code flags} holds only those, null values ignored).
   */
  public static TrainConfig resolve(Path configFile, Map<String, Object> flags) throws IOException {
    Map<String, Object> m = new TreeMap<>(LIMA.toMap());
    if (configFile != null) {
      if (!Files.isRegularFile(configFile)) throw new UserException(configFile + ": --config file not found");
      JsonNode n;
      try {
        n = Json.MAPPER.readTree(configFile.toFile());
      } catch (IOException e) {
        String msg = String.valueOf(e.getMessage());
        int nl = msg.indexOf('\n');
        throw new BadInputException(configFile + ": not valid JSON (" + (nl < 0 ? msg : msg.substring(0, nl)) + ")");
      }
      if (n == null || !n.isObject()) throw new BadInputException(configFile + ": expected a JSON object of settings");
      List<String> unknown = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        var e = it.next();
        String k = e.getKey().replace('_', '-');
        if (RUN_KEYS.contains(k)) continue; // read by the command itself (fileSetting)
        if (!KEYS.contains(k)) {
          unknown.add(e.getKey());
          continue;
        }
        JsonNode v = e.getValue();
        m.put(k, v.isNumber() ? v.numberValue() : v.asText());
      }
      if (!unknown.isEmpty())
        throw new BadInputException(configFile + ": unknown setting(s) " + unknown + "; known: " + KEYS + " and " + RUN_KEYS);
    }
    if (flags != null) flags.forEach((k, v) -> { if (v != null) m.put(k, v); });
    try {
      return new TrainConfig(
          i(m, "epochs"), d(m, "lr"), d(m, "final-lr"), i(m, "batch"), i(m, "micro-batch"), d(m, "weight-decay"),
          d(m, "beta1"), d(m, "beta2"), d(m, "eps"), d(m, "dropout-top"), i(m, "max-len"), l(m, "seed"),
          i(m, "save-every"), String.valueOf(m.get("device")), d(m, "clip"), i(m, "threads"), i(m, "stop-after"));
    } catch (NumberFormatException e) {
      throw new UserException("bad number in the training settings" + (configFile == null ? "" : " (flags or " + configFile + ")") + ": " + e.getMessage());
    }
  }

  /** Keys of the config file that are not recipe settings but say how to run: flags win over them. */
  public static final List<String> RUN_KEYS = List.of("model", "data", "out", "resume", "force");

  /** A run key ({@link #RUN_KEYS}) from the config file, or null when the file or key is absent. */
  public static JsonNode fileSetting(Path configFile, String key) throws IOException {
    if (configFile == null || !Files.isRegularFile(configFile)) return null;
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(configFile.toFile());
    } catch (IOException e) {
      return null; // resolve() reports the parse error
    }
    if (n == null || !n.isObject()) return null;
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private static double d(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (v instanceof Number n) return n.doubleValue();
    try {
      return Double.parseDouble(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new NumberFormatException(k + " must be a number, got \"" + v + "\"");
    }
  }

  private static long l(Map<String, Object> m, String k) {
    Object v = m.get(k);
    if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) return n.longValue();
    try {
      return Long.parseLong(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new NumberFormatException(k + " must be a whole number, got \"" + v + "\"");
    }
  }

  private static int i(Map<String, Object> m, String k) {
    double v = d(m, k);
    if (v != Math.rint(v)) throw new UserException(k + " must be a whole number, got " + v);
    return (int) v;
  }

  public TrainConfig withStopAfter(int n) {
    return new TrainConfig(epochs, lr, finalLr, batch, microBatch, weightDecay, beta1, beta2, eps, dropoutTop, maxLen, seed, saveEvery, device, clip, threads, n);
  }
}
