package lima.train.fit;

import static lima.train.fit.TrainSetting.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.UserException;

/**
 * The values of every {@link TrainSetting} of one run, with the paper's recipe as defaults (LIMA
 * section 3): 15 epochs, AdamW (0.9, 0.95, weight decay 0.1), learning rate 1e-5 falling linearly to
 * 1e-6, no warmup, 32 examples per step, residual dropout from 0 to 0.3, examples of at most 2,048
 * tokens. The settings themselves (names, types, defaults, bounds, help) are declared in {@link
 * TrainSetting}; this class only holds checked values and adds the checks that relate two settings.
 */
public final class TrainConfig {
  private final EnumMap<TrainSetting, Object> values;

  /** Config keys, in the order they are documented. */
  public static final List<String> KEYS = TrainSetting.keys();

  /** Keys of the config file that are not recipe settings but say how to run: flags win over them. */
  public static final List<String> RUN_KEYS = List.of("model", "data", "out", "resume", "force");

  public static final TrainConfig LIMA = new TrainConfig(Map.of());

  /** Defaults overridden by {@code given} (key -> value as a flag, the config file or code gives it). */
  private TrainConfig(Map<TrainSetting, Object> given) {
    values = new EnumMap<>(TrainSetting.class);
    for (TrainSetting s : TrainSetting.values()) values.put(s, s.parse(given.getOrDefault(s, s.defaultValue)));
    check(finalLr() <= lr(), "final-lr must be in [0, lr], got " + finalLr());
    check(microBatch() <= batch(), "micro-batch must be in [1, batch], got " + microBatch());
    check(nodeRank() < nnodes(), "node-rank must be in [0, nnodes), got " + nodeRank() + " with nnodes " + nnodes());
    check(!cpuOffload() || device().equals("gpu"), "cpu-offload needs --device gpu (on cpu the state is in host memory already)");
    if (engine().equals("djl")) {
      check(dtype().equals("fp32"), "dtype " + dtype() + " needs --engine fsdp (the djl engine trains in fp32)");
      check(!cpuOffload(), "cpu-offload needs --engine fsdp");
      check(nprocPerNode() == 1 && nnodes() == 1, "nproc-per-node and nnodes need --engine fsdp (the djl engine trains on one device)");
    }
  }

  private static void check(boolean ok, String msg) {
    if (!ok) throw new UserException(msg);
  }

  /** The defaults with {@code keyValues} (key, value, key, value, ...) applied. */
  public static TrainConfig of(Object... keyValues) {
    return LIMA.with(keyValues);
  }

  /** This configuration with {@code keyValues} (key or {@link TrainSetting}, value, ...) changed. */
  public TrainConfig with(Object... keyValues) {
    if (keyValues.length % 2 != 0) throw new IllegalArgumentException("key/value pairs expected");
    Map<TrainSetting, Object> m = new EnumMap<>(values);
    for (int i = 0; i < keyValues.length; i += 2) m.put(setting(keyValues[i]), keyValues[i + 1]);
    return new TrainConfig(m);
  }

  private static TrainSetting setting(Object k) {
    if (k instanceof TrainSetting s) return s;
    TrainSetting s = TrainSetting.byKey(String.valueOf(k));
    if (s == null) throw new IllegalArgumentException("no training setting " + k);
    return s;
  }

  /** The value of {@code s}, typed as the setting declares (Integer, Long, Double or String). */
  public Object get(TrainSetting s) {
    return values.get(s);
  }

  public int getInt(TrainSetting s) {
    return ((Number) values.get(s)).intValue();
  }

  public double getDouble(TrainSetting s) {
    return ((Number) values.get(s)).doubleValue();
  }

  public String getString(TrainSetting s) {
    return String.valueOf(values.get(s));
  }

  public int epochs() { return (Integer) values.get(EPOCHS); }
  public double lr() { return (Double) values.get(LR); }
  public double finalLr() { return (Double) values.get(FINAL_LR); }
  public int batch() { return (Integer) values.get(BATCH); }
  public int microBatch() { return (Integer) values.get(MICRO_BATCH); }
  public double weightDecay() { return (Double) values.get(WEIGHT_DECAY); }
  public double beta1() { return (Double) values.get(BETA1); }
  public double beta2() { return (Double) values.get(BETA2); }
  public double eps() { return (Double) values.get(EPS); }
  public double dropoutTop() { return (Double) values.get(DROPOUT_TOP); }
  public int maxLen() { return (Integer) values.get(MAX_LEN); }
  public long seed() { return (Long) values.get(SEED); }
  public int saveEvery() { return (Integer) values.get(SAVE_EVERY); }
  public String device() { return (String) values.get(DEVICE); }
  public double clip() { return (Double) values.get(CLIP); }
  public int threads() { return (Integer) values.get(THREADS); }
  public int stopAfter() { return (Integer) values.get(STOP_AFTER); }
  public String engine() { return (String) values.get(ENGINE); }
  public int nprocPerNode() { return (Integer) values.get(NPROC_PER_NODE); }
  public int nnodes() { return (Integer) values.get(NNODES); }
  public int nodeRank() { return (Integer) values.get(NODE_RANK); }
  public String masterAddr() { return (String) values.get(MASTER_ADDR); }
  public int masterPort() { return (Integer) values.get(MASTER_PORT); }
  public boolean cpuOffload() { return (Boolean) values.get(CPU_OFFLOAD); }
  public String python() { return (String) values.get(PYTHON); }

  /** The compute dtype, "bf16" or "fp32": --dtype, where auto is bf16 for the fsdp engine on gpu, else fp32 (the djl engine is fp32). */
  public String dtype() {
    String d = (String) values.get(DTYPE);
    return d.equals("auto") ? (engine().equals("fsdp") && device().equals("gpu") ? "bf16" : "fp32") : d;
  }

  /** --activation-checkpointing, where auto is on for the fsdp engine on gpu, else off. */
  public boolean activationCheckpointing() {
    String a = (String) values.get(ACTIVATION_CHECKPOINTING);
    return a.equals("auto") ? engine().equals("fsdp") && device().equals("gpu") : a.equals("on");
  }

  /** Dropout of residual branch {@code layer} of {@code layers}: linear from 0 (first) to dropoutTop (last). */
  public double dropoutAt(int layer, int layers) {
    return layers <= 1 ? dropoutTop() : dropoutTop() * layer / (layers - 1);
  }

  public double[] dropouts(int layers) {
    double[] d = new double[layers];
    for (int i = 0; i < layers; i++) d[i] = dropoutAt(i, layers);
    return d;
  }

  /** The configuration as key -> value, keys as the flags spell them, in declaration order. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    values.forEach((s, v) -> m.put(s.key, v));
    return Collections.unmodifiableMap(m);
  }

  /**
   * The first {@link TrainSetting.Resume#SAME} setting whose value differs from {@code saved} (the
   * {@code config} object of a checkpoint's trainer-state.json), as "key = saved, now", or null.
   */
  public String differenceFrom(JsonNode saved) {
    for (TrainSetting s : TrainSetting.values()) {
      if (s.resume != TrainSetting.Resume.SAME) continue;
      JsonNode v = saved.get(s.key);
      if (v == null) continue;
      Object mine = values.get(s);
      boolean same = mine instanceof Number num ? num.doubleValue() == v.asDouble() && (s.type != TrainSetting.Type.LONG || num.longValue() == v.asLong())
          : String.valueOf(mine).equals(v.asText());
      if (!same) return s.key + " = " + v.asText() + ", this run asks for " + mine;
    }
    return null;
  }

  /**
   * Resolves the configuration: defaults, overridden by the config file's keys, overridden by the
   * flags given on the command line ({@code flags} holds only those, null values ignored).
   */
  public static TrainConfig resolve(Path configFile, Map<String, Object> flags) throws IOException {
    Map<TrainSetting, Object> m = new EnumMap<>(TrainSetting.class);
    JsonNode n = readFile(configFile);
    if (n != null) {
      List<String> unknown = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        var e = it.next();
        if (RUN_KEYS.contains(e.getKey().replace('_', '-'))) continue; // read by the command itself (fileSetting)
        TrainSetting s = TrainSetting.byKey(e.getKey());
        if (s == null || e.getKey().startsWith("-")) {
          unknown.add(e.getKey());
          continue;
        }
        JsonNode v = e.getValue();
        m.put(s, v.isNumber() ? v.numberValue() : v.asText());
      }
      if (!unknown.isEmpty())
        throw new BadInputException(configFile + ": unknown setting(s) " + unknown + "; known: " + KEYS + " and " + RUN_KEYS);
    }
    if (flags != null) flags.forEach((k, v) -> { if (v != null) m.put(setting(k), v); });
    return new TrainConfig(m);
  }

  private static JsonNode readFile(Path configFile) throws IOException {
    if (configFile == null) return null;
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
    return n;
  }

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

  public TrainConfig withStopAfter(int n) {
    return with(STOP_AFTER, n);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainConfig c && values.equals(c.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "TrainConfig" + toMap();
  }
}
