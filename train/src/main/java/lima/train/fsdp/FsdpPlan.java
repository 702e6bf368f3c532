package lima.train.fsdp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import lima.train.fit.MemoryPlan;

/**
 * {@code lima train --plan --engine fsdp}: what a run of the FSDP2 engine needs, by arithmetic over the model
 * shape (nothing is allocated). The engine keeps, per parameter, fp32 master weights (4 bytes), fp32 gradients
 * (4) and AdamW's two fp32 moments (8), all sharded over the GPUs (or held in host memory with CPU offload); each
 * GPU also holds the gathered parameters of the layer it runs and of the one it prefetches, their unsharded
 * gradients, the root's embedding and head, and the activations of one micro-batch in the compute dtype (all
 * layers' activations, or with activation checkpointing only each layer's input plus one layer's activations).
 * Attention runs through {@code scaled_dot_product_attention} on GPU, so no score matrix is kept. The logits, their
 * log-softmax and its gradient are fp32.
 *
 * @param model the model's shape
 * @param microBatch examples per forward pass
 * @param seqLen tokens per example (the trim length)
 * @param bf16 compute in bf16 (2 bytes per activation; the GPU default) or fp32
 * @param gpuBytes memory of one GPU
 * @param gpusPerNode GPUs per node
 * @param tokensPerEpoch tokens the run trains on per epoch (input tokens, padding excluded)
 * @param examples examples per epoch
 * @param epochs epochs
 * @param gpuFlops peak dense bf16 FLOP/s of one GPU
 * @param mfu the model FLOPs utilisation the hours are estimated at
 */
public record FsdpPlan(MemoryPlan.Shape model, int microBatch, int seqLen, boolean bf16, long gpuBytes, int gpusPerNode, long tokensPerEpoch,
    long examples, int epochs, double gpuFlops, double mfu) {

  /** The LIMA training set (LIMA.md): 1,000 examples, 711,132 LLaMA tokens, plus BOS and one EOT per utterance. */
  public static final long LIMA_EXAMPLES = 1000, LIMA_TOKENS = 711_132 + 3 * 1000;
  /** Host memory a rank needs beside the model state (Python, torch, CUDA context, pinned buffers). */
  public static final long RANK_HOST_OVERHEAD = 6L << 30;

  public FsdpPlan {
    if (microBatch < 1 || seqLen < 1 || gpuBytes <= 0 || gpusPerNode < 1 || epochs < 1 || !(mfu > 0 && mfu <= 1) || !(gpuFlops > 0))
      throw new IllegalArgumentException("bad plan settings");
  }

  private int actBytes() {
    return bf16 ? 2 : 4;
  }

  /** Parameters of one decoder layer. */
  public long layerParameters() {
    return (model.parameters() - model.hidden() - (long) model.vocab() * model.hidden() * (model.tied() ? 1 : 2)) / model.layers();
  }

  /** Parameters of the root group: embedding, final norm, head. */
  public long rootParameters() {
    return model.parameters() - layerParameters() * model.layers();
  }

  /** fp32 master weights, fp32 gradients and AdamW moments of the whole model: 16 bytes per parameter. */
  public long stateBytes() {
    return 16 * model.parameters();
  }

  /** Per GPU, whatever the sharding: two gathered layers (running, prefetched) with their unsharded gradients, the root unsharded. */
  public long gatheredBytes() {
    int p = actBytes();
    return 2 * layerParameters() * (p + 4) + rootParameters() * (p + 4);
  }

  /** Activations of one micro-batch per GPU. */
  public long activationBytes(boolean checkpointing) {
    long tokens = (long) microBatch * seqLen;
    long perLayer = MemoryPlan.activationFloatsPerTokenPerLayer(model) * tokens * actBytes();
    long logits = 3L * model.vocab() * tokens * 4;
    if (checkpointing) return (long) model.layers() * model.hidden() * tokens * actBytes() + perLayer + logits;
    return model.layers() * perLayer + logits;
  }

  public long usableGpuBytes() {
    return (long) (gpuBytes * (1 - MemoryPlan.HEADROOM));
  }

  /** GPUs needed without offload (the state sharded over them), or -1 when one micro-batch does not fit a GPU at all. */
  public int gpus(boolean checkpointing) {
    long fixed = gatheredBytes() + activationBytes(checkpointing);
    long room = usableGpuBytes() - fixed;
    if (room <= 0) return -1;
    return (int) Math.max(1, (stateBytes() + room - 1) / room);
  }

  /** True when a GPU holds what CPU offload leaves on it (gathered layers and activations). */
  public boolean offloadFits(boolean checkpointing) {
    return gatheredBytes() + activationBytes(checkpointing) <= usableGpuBytes();
  }

  public int nodes(int gpus) {
    return (gpus + gpusPerNode - 1) / gpusPerNode;
  }

  /** Per-GPU memory of a run over {@code gpus} GPUs. */
  public long perGpuBytes(int gpus, boolean offload, boolean checkpointing) {
    return (offload ? 0 : (stateBytes() + gpus - 1) / gpus) + gatheredBytes() + activationBytes(checkpointing);
  }

  /** Host memory per node: the offloaded state's share plus the ranks' own overhead. */
  public long hostBytesPerNode(int nodes, boolean offload) {
    return (offload ? (stateBytes() + nodes - 1) / nodes : 0) + gpusPerNode * RANK_HOST_OVERHEAD;
  }

  /** One checkpoint on disk: the Hugging Face weights in the trained dtype, plus dcp/ (fp32 weights and AdamW moments). */
  public long checkpointBytes() {
    return model.parameters() * actBytes() + 12 * model.parameters();
  }

  /** Disk for the whole run: every epoch's Hugging Face weights, the sharded state (dcp/) of the latest checkpoint only. */
  public long runDiskBytes() {
    return epochs * model.parameters() * actBytes() + 12 * model.parameters();
  }

  /** Model FLOPs of the run: 6 per parameter and token, plus attention (12 x layers x hidden x context per token). */
  public double runFlops() {
    double meanLen = examples == 0 ? seqLen : Math.min(seqLen, (double) tokensPerEpoch / examples);
    double perToken = 6.0 * model.parameters() + 12.0 * model.layers() * model.hidden() * meanLen / 2;
    return perToken * tokensPerEpoch * epochs;
  }

  public double hours(int gpus) {
    return runFlops() / (gpus * gpuFlops * mfu) / 3600;
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("engine", "fsdp");
    m.put("model", model.name());
    m.put("parameters", model.parameters());
    m.put("dtype", bf16 ? "bf16" : "fp32");
    m.put("micro_batch", microBatch);
    m.put("seq_len", seqLen);
    m.put("gpu_bytes", gpuBytes);
    m.put("gpus_per_node", gpusPerNode);
    m.put("state_bytes", stateBytes());
    m.put("checkpoint_bytes", checkpointBytes());
    m.put("run_disk_bytes", runDiskBytes());
    m.put("run_flops", runFlops());
    m.put("gpu_flops", gpuFlops);
    m.put("mfu", mfu);
    java.util.List<Object> rows = new java.util.ArrayList<>();
    for (boolean offload : new boolean[] {false, true})
      for (boolean ac : new boolean[] {false, true}) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("cpu_offload", offload);
        r.put("activation_checkpointing", ac);
        int g = offload ? (offloadFits(ac) ? gpusPerNode : -1) : gpus(ac);
        r.put("fits", g > 0);
        if (g > 0) {
          int nodes = offload ? 1 : nodes(g);
          r.put("gpus", g);
          r.put("nodes", nodes);
          r.put("per_gpu_bytes", perGpuBytes(g, offload, ac));
          r.put("host_bytes_per_node", hostBytesPerNode(nodes, offload));
          r.put("hours", hours(offload ? g : nodes * gpusPerNode));
        }
        rows.add(r);
      }
    m.put("options", rows);
    return m;
  }

  public String report() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "model %s: %,d parameters; engine fsdp (PyTorch FSDP2), %s compute, fp32 master weights and AdamW; micro-batch %d x %d tokens%n",
        model.name(), model.parameters(), bf16 ? "bf16" : "fp32", microBatch, seqLen));
    sb.append(String.format(Locale.ROOT, "  state (weights, gradients, AdamW; sharded)  %s%n", MemoryPlan.gibOf(stateBytes())));
    sb.append(String.format(Locale.ROOT, "  per GPU: gathered layers and root           %s%n", MemoryPlan.gibOf(gatheredBytes())));
    sb.append(String.format(Locale.ROOT, "  per GPU: activations                        %s (%s with activation checkpointing)%n",
        MemoryPlan.gibOf(activationBytes(false)), MemoryPlan.gibOf(activationBytes(true))));
    sb.append(String.format(Locale.ROOT, "  one checkpoint on disk                      %s (HF weights + dcp/); the run: %s (dcp/ only in the latest)%n",
        MemoryPlan.gibOf(checkpointBytes()), MemoryPlan.gibOf(runDiskBytes())));
    sb.append(String.format(Locale.ROOT, "GPUs of %s (%s usable), %d per node:%n", MemoryPlan.gibOf(gpuBytes), MemoryPlan.gibOf(usableGpuBytes()), gpusPerNode));
    for (boolean offload : new boolean[] {false, true})
      for (boolean ac : new boolean[] {false, true}) {
        String what = String.format(Locale.ROOT, "  %-34s", (offload ? "cpu offload" : "sharded on GPUs") + (ac ? ", act. checkpointing" : ""));
        if (offload) {
          if (!offloadFits(ac)) {
            sb.append(what).append(" does not fit: one micro-batch and two gathered layers exceed a GPU\n");
            continue;
          }
          sb.append(what).append(String.format(Locale.ROOT, " 1 node x %d GPUs, %s per GPU, host memory %s per node, ~%.1f h at %.0f%% MFU (more: CPU AdamW, PCIe)%n",
              gpusPerNode, MemoryPlan.gibOf(perGpuBytes(gpusPerNode, true, ac)), MemoryPlan.gibOf(hostBytesPerNode(1, true)), hours(gpusPerNode), 100 * mfu));
        } else {
          int g = gpus(ac);
          if (g < 0) {
            sb.append(what).append(" does not fit: one micro-batch and two gathered layers exceed a GPU\n");
            continue;
          }
          int nodes = nodes(g);
          sb.append(what).append(String.format(Locale.ROOT, " %d GPUs -> %d node(s) (%d GPUs), %s per GPU, host memory %s per node, ~%.1f h at %.0f%% MFU%n",
              g, nodes, nodes * gpusPerNode, MemoryPlan.gibOf(perGpuBytes(nodes * gpusPerNode, false, ac)), MemoryPlan.gibOf(hostBytesPerNode(nodes, false)),
              hours(nodes * gpusPerNode), 100 * mfu));
        }
      }
    sb.append(String.format(Locale.ROOT, "hours: %,d examples x %d epochs, %,d tokens per epoch, %.3g model FLOPs, GPUs of %.0f bf16 TFLOP/s at %.0f%% MFU%n",
        examples, epochs, tokensPerEpoch, runFlops(), gpuFlops / 1e12, 100 * mfu));
    return sb.toString();
  }
}
