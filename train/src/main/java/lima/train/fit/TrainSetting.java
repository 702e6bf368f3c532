package lima.train.fit;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The settings of {@code lima train}, declared once. Each entry is a flag {@code --KEY}, a key of
 * the {@code --config} file, a key of {@code config} in {@code manifest.json} and {@code
 * trainer-state.json}, and a row of the settings table in docs/train.md ({@link #markdownTable}, kept
 * in step by a test). {@link Resume#SAME} entries must be equal when a run is resumed. Adding a
 * setting (for instance one only an engine reads) is one entry here, a number with its bounds or a
 * word with its choices; {@link TrainConfig} holds the values ({@code config.get(SETTING)}).
 */
public enum TrainSetting {
  EPOCHS("epochs", Type.INT, 15, Resume.SAME, v -> v.intValue() >= 1, ">= 1", "Epochs (paper: 15)."),
  LR("lr", Type.DOUBLE, 1e-5, Resume.SAME, v -> v.doubleValue() > 0, "> 0", "Initial learning rate (paper: 1e-5)."),
  FINAL_LR("final-lr", Type.DOUBLE, 1e-6, Resume.SAME, v -> v.doubleValue() >= 0, "in [0, lr]",
      "Learning rate of the last optimizer step, reached linearly; no warmup (paper: 1e-6)."),
  BATCH("batch", Type.INT, 32, Resume.SAME, v -> v.intValue() >= 1, ">= 1",
      "Examples per optimizer step (paper: 32; 64 for the smaller models)."),
  MICRO_BATCH("micro-batch", Type.INT, 1, Resume.FREE, v -> v.intValue() >= 1, "in [1, batch]",
      "Examples per forward/backward pass; gradients accumulate until --batch examples are done. Changes speed and memory, not the result (beyond float rounding; dropout is drawn per example). A byte-identical resume needs the same value."),
  WEIGHT_DECAY("weight-decay", Type.DOUBLE, 0.1, Resume.SAME, v -> v.doubleValue() >= 0, ">= 0",
      "AdamW decoupled weight decay (paper), applied to matrices only, not to norm weights and biases."),
  BETA1("beta1", Type.DOUBLE, 0.9, Resume.SAME, v -> v.doubleValue() >= 0 && v.doubleValue() < 1, "in [0, 1)", "AdamW beta1 (paper: 0.9)."),
  BETA2("beta2", Type.DOUBLE, 0.95, Resume.SAME, v -> v.doubleValue() >= 0 && v.doubleValue() < 1, "in [0, 1)", "AdamW beta2 (paper: 0.95)."),
  EPS("eps", Type.DOUBLE, 1e-8, Resume.SAME, v -> v.doubleValue() > 0, "> 0", "AdamW epsilon."),
  DROPOUT_TOP("dropout-top", Type.DOUBLE, 0.3, Resume.SAME, v -> v.doubleValue() >= 0 && v.doubleValue() < 1, "in [0, 1)",
      "Residual dropout of the last layer; layer i of L gets dropout-top * i / (L-1), 0 at the first (paper: 0.3 for 65B, 0.2 for smaller models)."),
  MAX_LEN("max-len", Type.INT, 2048, Resume.FREE, v -> v.intValue() >= 2, ">= 2",
      "Longest example allowed, in tokens (paper: 2048). Trimming happens in lima tokenize, not here: a dataset with a longer example is refused. With --plan: the sequence length of the estimate."),
  SEED("seed", Type.LONG, 42L, Resume.SAME, v -> true, "a whole number", "Seed of the data order and of dropout."),
  SAVE_EVERY("save-every", Type.INT, 0, Resume.FREE, v -> v.intValue() >= 0, ">= 0",
      "Also checkpoint every N optimizer steps as OUT/step-N/, so --resume can continue mid-epoch (0: only after each epoch)."),
  DEVICE("device", List.of("cpu", "gpu"), "cpu", Resume.FREE, "cpu or gpu."),
  CLIP("clip", Type.DOUBLE, 0.0, Resume.SAME, v -> v.doubleValue() >= 0, ">= 0 (0: off)",
      "Clip the global gradient L2 norm to this value before the update (0: off)."),
  THREADS("threads", Type.INT, 0, Resume.FREE, v -> v.intValue() >= 0, ">= 0",
      "CPU threads of the engine (0: the engine's default). Exact resume needs the same count."),
  STOP_AFTER("stop-after", Type.INT, 0, Resume.FREE, v -> v.intValue() >= 0, ">= 0",
      "Stop after N optimizer steps of this invocation, with a step checkpoint; --resume goes on (0: run to the end)."),
  // The engine and the settings only the fsdp engine reads (docs/train.md, "The fsdp engine").
  ENGINE("engine", List.of("djl", "fsdp"), "djl", Resume.SAME,
      "djl: one device, in the JVM; fsdp: PyTorch FSDP2 over many GPUs and nodes, launched with torchrun (a checkpoint resumes only on its engine)."),
  NPROC_PER_NODE("nproc-per-node", Type.INT, 1, Resume.FREE, v -> v.intValue() >= 1, ">= 1", "fsdp: ranks (GPUs, or CPU processes) per node."),
  NNODES("nnodes", Type.INT, 1, Resume.FREE, v -> v.intValue() >= 1, ">= 1", "fsdp: nodes of the run."),
  NODE_RANK("node-rank", Type.INT, 0, Resume.FREE, v -> v.intValue() >= 0, ">= 0", "fsdp: this node's rank, 0 .. nnodes-1 (node 0 hosts the rendezvous)."),
  MASTER_ADDR("master-addr", Type.STRING, "127.0.0.1", Resume.FREE, v -> true, "a host name or address", "fsdp: host of node 0, reachable from every node."),
  MASTER_PORT("master-port", Type.INT, 29500, Resume.FREE, v -> v.intValue() > 0 && v.intValue() < 65536, "in 1..65535", "fsdp: rendezvous port on node 0."),
  DTYPE("dtype", List.of("auto", "bf16", "fp32"), "auto", Resume.FREE,
      "fsdp: compute dtype; auto is bf16 on gpu (fp32 master weights, fp32 gradient reduction) and fp32 on cpu. The djl engine is fp32."),
  ACTIVATION_CHECKPOINTING("activation-checkpointing", List.of("auto", "on", "off"), "auto", Resume.FREE,
      "fsdp: recompute each decoder layer in the backward pass instead of keeping its activations; auto is on for gpu, off for cpu."),
  CPU_OFFLOAD("cpu-offload", Type.BOOLEAN, false, Resume.FREE, v -> true, "true or false",
      "fsdp: keep parameters, gradients and AdamW state in host memory (CPUOffloadPolicy), so one 8-GPU node can fine-tune 65B."),
  PYTHON("python", Type.STRING, "python3", Resume.FREE, v -> true, "a program", "fsdp: the Python with torch >= 2.7 that runs the ranks (make venv makes one).");

  /** How a value is typed on the command line and in the config file. */
  public enum Type {
    INT(Integer.class), LONG(Long.class), DOUBLE(Double.class), STRING(String.class), BOOLEAN(Boolean.class);

    public final Class<?> javaType;

    Type(Class<?> javaType) {
      this.javaType = javaType;
    }
  }

  /** Whether a resumed run must use the same value as the checkpoint (SAME) or may change it (FREE). */
  public enum Resume { SAME, FREE }

  public final String key;
  public final Type type;
  public final Object defaultValue;
  public final Resume resume;
  private final Predicate<Number> valid;
  /** The allowed values of a {@link Type#STRING} setting (lower case), or null for any. */
  public final List<String> choices;
  /** The allowed values, as the error message says them ("must be ..."). */
  public final String must;
  public final String help;

  TrainSetting(String key, Type type, Object defaultValue, Resume resume, Predicate<Number> valid, String must, String help) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.resume = resume;
    this.valid = valid;
    this.must = must;
    this.help = help;
    this.choices = null;
  }

  /** A setting that takes one of {@code choices} (given in any case, kept in lower case). */
  TrainSetting(String key, List<String> choices, String defaultValue, Resume resume, String help) {
    this.key = key;
    this.type = Type.STRING;
    this.defaultValue = defaultValue;
    this.resume = resume;
    this.valid = v -> true;
    this.must = choices.size() == 2 ? choices.get(0) + " or " + choices.get(1) : "one of " + String.join(", ", choices);
    this.help = help;
    this.choices = List.copyOf(choices);
  }

  /** The flag, {@code --key}. */
  public String flag() {
    return "--" + key;
  }

  /** Every key, in declaration order. */
  public static List<String> keys() {
    return Arrays.stream(values()).map(s -> s.key).toList();
  }

  /** The setting of config key or flag name {@code key} ({@code _} accepted for {@code -}), or null. */
  public static TrainSetting byKey(String key) {
    String k = key.startsWith("--") ? key.substring(2) : key;
    k = k.replace('_', '-');
    for (TrainSetting s : values()) if (s.key.equals(k)) return s;
    return null;
  }

  /**
   * {@code raw} (a number, a string from a flag or a JSON file) as this setting's type, checked
   * against its bounds; a bad value is a {@link lima.core.UserException} naming the key.
   */
  public Object parse(Object raw) {
    Object v = switch (type) {
      case STRING -> String.valueOf(raw);
      case BOOLEAN -> {
        if (raw instanceof Boolean b) yield b;
        String t = String.valueOf(raw).strip().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("false")) yield Boolean.parseBoolean(t);
        throw new lima.core.UserException(key + " must be " + must + ", got \"" + raw + "\"");
      }
      case LONG -> {
        if (raw instanceof Number n && !(raw instanceof Double) && !(raw instanceof Float)) yield n.longValue();
        try {
          yield Long.parseLong(String.valueOf(raw).strip());
        } catch (NumberFormatException e) {
          throw new lima.core.UserException(key + " must be a whole number, got \"" + raw + "\"");
        }
      }
      case INT -> {
        double d = number(raw);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw new lima.core.UserException(key + " must be a whole number, got " + raw);
        yield (int) d;
      }
      case DOUBLE -> number(raw);
    };
    if (type == Type.BOOLEAN) return v;
    if (type == Type.STRING) {
      if (choices == null) {
        if (((String) v).isBlank()) throw new lima.core.UserException(key + " must be " + must + ", got an empty value");
        return v;
      }
      String s = ((String) v).toLowerCase(Locale.ROOT);
      if (!choices.contains(s)) throw new lima.core.UserException(key + " must be " + must + ", got " + raw);
      return s;
    }
    if (!valid.test((Number) v)) throw new lima.core.UserException(key + " must be " + must + ", got " + v);
    return v;
  }

  private double number(Object raw) {
    if (raw instanceof Number n) return n.doubleValue();
    try {
      return Double.parseDouble(String.valueOf(raw).strip());
    } catch (NumberFormatException e) {
      throw new lima.core.UserException(key + " must be a number, got \"" + raw + "\"");
    }
  }

  /** The default as docs/train.md shows it. */
  public String defaultText() {
    return switch (type) {
      case DOUBLE -> {
        double d = (Double) defaultValue;
        yield d == 0 ? "0" : d == Math.rint(d) && Math.abs(d) < 1e6 ? Long.toString((long) d) : Math.abs(d) < 1e-3 ? String.format(Locale.ROOT, "%.0e", d).replace("e-0", "e-") : Double.toString(d);
      }
      default -> String.valueOf(defaultValue);
    };
  }

  /** The settings table of docs/train.md: option, default, whether --resume needs it unchanged, meaning. */
  public static String markdownTable() {
    StringBuilder b = new StringBuilder("| option | default | on --resume | meaning |\n|---|---|---|---|\n");
    for (TrainSetting s : values())
      b.append("| `").append(s.flag()).append("` | ").append(s.defaultText()).append(" | ").append(s.resume == Resume.SAME ? "same" : "may change")
          .append(" | ").append(s.help.replace("|", "\\|")).append(" |\n");
    return b.toString();
  }
}
