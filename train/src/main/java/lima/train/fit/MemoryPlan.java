package lima.train.fit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.UserException;

/**
 * How much memory a full fine-tuning run needs, part by part, for {@code lima train --plan}. Pure
 * arithmetic over the model's shape and the run settings (no tensors are made):
 *
 * <ul>
 *   <li>weights: parameters x 4 bytes (we train in fp32);
 *   <li>gradients: the same again;
 *   <li>optimizer state: AdamW's two moments, 8 bytes per parameter;
 *   <li>activations kept for the backward pass of one micro-batch: per layer and token, the floats
 *       every operation saves ({@link #activationFloatsPerTokenPerLayer}), plus the attention
 *       probabilities (heads x sequence per token) and the logits with their log-softmax (2 x
 *       vocabulary per token).
 * </ul>
 *
 * For a run that does not fit one device, {@link #shardedGpus} says how many GPUs of a given size a
 * ZeRO-3 / FSDP run needs: weights, gradients and optimizer state split evenly, activations per GPU.
 */
public record MemoryPlan(Shape model, int microBatch, int seqLen, long deviceBytes) {
  /** Bytes reserved on a device for the framework, fragmentation and temporary buffers. */
  public static final double HEADROOM = 0.10;

  /** The parts of a LLaMA that set its memory. */
  public record Shape(String name, int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab, boolean tied) {
    public Shape {
      if (hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || intermediate <= 0 || vocab <= 0)
        throw new IllegalArgumentException("model dimensions must be positive: " + name);
    }

    public int headDim() {
      return hidden / heads;
    }

    public long parameters() {
      long h = hidden, kv = (long) kvHeads * headDim();
      long perLayer = 2 * h + h * h + 2 * kv * h + h * h + 3 * h * intermediate;
      return (long) vocab * h * (tied ? 1 : 2) + layers * perLayer + h;
    }

    /** The LLaMA-1 sizes of the paper (7B for ablations, 65B for LIMA), by name. */
    public static Shape preset(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "7b" -> new Shape("7b", 4096, 32, 32, 32, 11008, 32000, false);
        case "13b" -> new Shape("13b", 5120, 40, 40, 40, 13824, 32000, false);
        case "33b", "30b" -> new Shape("33b", 6656, 60, 52, 52, 17920, 32000, false);
        case "65b" -> new Shape("65b", 8192, 80, 64, 64, 22016, 32000, false);
        default -> throw new UserException("unknown model size " + name + " (7b, 13b, 33b, 65b, or a model folder)");
      };
    }

    /** Reads the Hugging Face {@code config.json} of a model folder. */
    public static Shape read(Path dir) throws IOException {
      Path f = Files.isDirectory(dir) ? dir.resolve("config.json") : dir;
      if (!Files.isRegularFile(f)) throw new BadInputException(f + ": no config.json");
      lima.train.model.LlamaConfig.read(f); // one-line errors for malformed or inconsistent configs
      JsonNode n = Json.MAPPER.readTree(f.toFile());
      for (String k : new String[] {"hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size"})
        if (!n.path(k).canConvertToInt()) throw new BadInputException(f + ": \"" + k + "\" missing or not a number");
      int heads = n.get("num_attention_heads").asInt();
      return new Shape(
          dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(),
          n.get("hidden_size").asInt(), n.get("num_hidden_layers").asInt(), heads,
          n.path("num_key_value_heads").asInt(heads), n.get("intermediate_size").asInt(), n.get("vocab_size").asInt(),
          n.path("tie_word_embeddings").asBoolean(false));
    }
  }

  public MemoryPlan {
    if (microBatch < 1 || seqLen < 1) throw new IllegalArgumentException("micro-batch and sequence length must be >= 1");
  }

  /** fp32 weights. */
  public long weightBytes() {
    return 4 * model.parameters();
  }

  /** fp32 gradients, one per weight. */
  public long gradientBytes() {
    return 4 * model.parameters();
  }

  /** AdamW first and second moments in fp32. */
  public long optimizerBytes() {
    return 8 * model.parameters();
  }

  /**
   * Floats one decoder layer keeps per token for the backward pass: the RMSNorm inputs and outputs
   * (2 x 2h), q and the rotated q (2h), k, rotated k and v (3 kv), the attention context and its
   * projection (2h), the residual dropout masks (2h, counted as floats), and SwiGLU's gate, up,
   * sigmoid and product (4 x intermediate).
   */
  public static long activationFloatsPerTokenPerLayer(Shape m) {
    long h = m.hidden(), kv = (long) m.kvHeads() * m.headDim();
    return 4 * h + 2 * h + 3 * kv + 2 * h + 2 * h + 4L * m.intermediate();
  }

  /** Activation bytes of one micro-batch: layers, attention probabilities and scores, logits. */
  public long activationBytes() {
    long tokens = (long) microBatch * seqLen;
    long perLayer = activationFloatsPerTokenPerLayer(model) * tokens + 2L * model.heads() * seqLen * tokens;
    long logits = 3L * model.vocab() * tokens; // logits, log-softmax, its gradient
    return 4 * (model.layers() * perLayer + logits);
  }

  /**
   * Activation bytes with activation checkpointing (recompute each layer in the backward pass):
   * every layer keeps only its input (h floats per token); one layer's full activations and the
   * logits are live at a time.
   */
  public long checkpointedActivationBytes() {
    long tokens = (long) microBatch * seqLen;
    long onelayer = activationFloatsPerTokenPerLayer(model) * tokens + 2L * model.heads() * seqLen * tokens;
    return 4 * ((long) model.layers() * model.hidden() * tokens + onelayer + 3L * model.vocab() * tokens);
  }

  public long totalBytes() {
    return weightBytes() + gradientBytes() + optimizerBytes() + activationBytes();
  }

  /** Bytes usable on the device after headroom. */
  public long usableBytes() {
    return (long) (deviceBytes * (1 - HEADROOM));
  }

  public boolean fits() {
    return totalBytes() <= usableBytes();
  }

  /**
   * GPUs of {@code gpuBytes} each that a ZeRO-3 / FSDP run needs: the 16 bytes per parameter of
   * weights, gradients and AdamW state split evenly, plus one micro-batch of activations and one
   * gathered layer per GPU. Returns -1 when even one micro-batch of activations does not fit.
   */
  public int shardedGpus(long gpuBytes) {
    return shardedGpus(gpuBytes, false);
  }

  /** As {@link #shardedGpus(long)}, with activation checkpointing when {@code checkpointing}. */
  public int shardedGpus(long gpuBytes, boolean checkpointing) {
    long usable = (long) (gpuBytes * (1 - HEADROOM));
    long layerParams = (model.parameters() - (long) model.vocab() * model.hidden() * (model.tied() ? 1 : 2)) / model.layers();
    long act = checkpointing ? checkpointedActivationBytes() : activationBytes();
    long perGpuFixed = act + 2 * 4 * layerParams; // a gathered layer and its gradient
    long states = weightBytes() + gradientBytes() + optimizerBytes();
    if (perGpuFixed >= usable) return -1;
    return (int) Math.max(1, (states + usable - perGpuFixed - 1) / (usable - perGpuFixed));
  }

  /** The plan as a map for JSON output. */
  public Map<String, Object> toJson(long gpuBytes) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", model.name());
    m.put("parameters", model.parameters());
    m.put("micro_batch", microBatch);
    m.put("seq_len", seqLen);
    m.put("weights_bytes", weightBytes());
    m.put("gradients_bytes", gradientBytes());
    m.put("optimizer_bytes", optimizerBytes());
    m.put("activations_bytes", activationBytes());
    m.put("total_bytes", totalBytes());
    m.put("device_bytes", deviceBytes);
    m.put("fits", fits());
    if (!fits()) {
      m.put("sharded_gpu_bytes", gpuBytes);
      m.put("sharded_gpus", shardedGpus(gpuBytes));
      m.put("checkpointed_activations_bytes", checkpointedActivationBytes());
      m.put("sharded_gpus_with_activation_checkpointing", shardedGpus(gpuBytes, true));
    }
    return m;
  }

  /** A human-readable report. */
  public String report(String deviceName, long gpuBytes) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "model %s: %,d parameters; micro-batch %d x %d tokens; fp32 AdamW%n",
        model.name(), model.parameters(), microBatch, seqLen));
    row(sb, "weights", weightBytes());
    row(sb, "gradients", gradientBytes());
    row(sb, "optimizer state", optimizerBytes());
    row(sb, "activations", activationBytes());
    row(sb, "total", totalBytes());
    sb.append(String.format(Locale.ROOT, "device %s: %s usable of %s -> %s%n", deviceName, gib(usableBytes()), gib(deviceBytes),
        fits() ? "fits" : "does NOT fit"));
    if (!fits()) {
      boolean ckpt = shardedGpus(gpuBytes, false) < 0;
      int n = shardedGpus(gpuBytes, ckpt);
      long act = ckpt ? checkpointedActivationBytes() : activationBytes();
      if (n < 0)
        sb.append(String.format(Locale.ROOT, "even sharded with activation checkpointing, one micro-batch of activations (%s) does not fit a %s GPU: lower --micro-batch or --max-len%n", gib(act), gib(gpuBytes)));
      else
        sb.append(String.format(Locale.ROOT,
            "a sharded run needs ZeRO-3 / FSDP over at least %d GPUs of %s%s (%s of weights, gradients and AdamW state per GPU, plus %s activations);%n"
                + "the djl engine trains on one device: run such a model with --engine fsdp (PyTorch FSDP2); lima train --plan --engine fsdp gives its numbers%n",
            n, gib(gpuBytes), ckpt ? " with activation checkpointing" : "", gib((weightBytes() + gradientBytes() + optimizerBytes()) / n), gib(act)));
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, String what, long bytes) {
    sb.append(String.format(Locale.ROOT, "  %-16s %10s%n", what, gib(bytes)));
  }

  /** Bytes as MiB or GiB with two decimals, as the plans print them. */
  public static String gibOf(long bytes) {
    return gib(bytes);
  }

  static String gib(long bytes) {
    if (bytes < (1L << 30)) return String.format(Locale.ROOT, "%.2f MiB", bytes / (double) (1L << 20));
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }
}
