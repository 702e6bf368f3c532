package lima.train.fsdp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import lima.core.AtomicFiles;
import lima.core.Hashing;
import lima.core.Json;
import lima.core.RunDir;
import lima.train.data.TokenizedDataset;
import lima.train.fit.StepSchedule;
import lima.train.fit.TrainConfig;
import lima.train.fit.Trainer;
import lima.train.model.LlamaConfig;
import lima.train.safetensors.SafetensorsCheckpoint;

/**
 * The run spec ({@code OUT/run-spec.json}, format {@code lima-fsdp-run-v1}) that the FSDP worker follows: the
 * resolved configuration, the model and dataset with their sha256, the grown model config, the residual dropout
 * per layer, and the whole step schedule computed by {@link StepSchedule}, the code the DJL engine runs on. For every
 * optimizer step: its epoch, learning rate, trained tokens of the global batch, and its micro-batches in order,
 * each with the dataset indices of its examples and the rank that runs it ({@code k mod world}). Dropout masks are
 * lima's SeededDropout, drawn from (seed, step, example, layer, branch), so the world size does not change them.
 * The worker re-derives no order, rate or seed, so the two engines cannot drift apart.
 */
public final class RunSpec {
  public static final String FILE = "run-spec.json";
  public static final String FORMAT = "lima-fsdp-run-v1";

  private RunSpec() {}

  /**
   * The spec as a JSON tree.
   *
   * @param grown the model config with the vocabulary grown to the tokenizer's (EOT row)
   * @param fingerprint engine, model_sha256 and dataset_sha256 ({@link lima.train.fit.Checkpoints.Identity}), written into every checkpoint
   * @param resumeFrom the checkpoint to continue from, or null
   * @param doneSteps steps that checkpoint has done (0 without one)
   */
  public static Map<String, Object> build(TrainConfig c, Path model, Path data, Path out, LlamaConfig grown, StepSchedule schedule,
      Map<String, Object> fingerprint, Path resumeFrom, long doneSteps) throws IOException {
    int world = c.nprocPerNode() * c.nnodes();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("out", out.toAbsolutePath().normalize().toString());
    m.put("model", Map.of("path", model.toAbsolutePath().normalize().toString()));
    m.put("data", Map.of("path", data.toAbsolutePath().normalize().toString()));
    m.put("fingerprint", fingerprint);
    m.put("model_config", grown.toJson());
    m.put("config_json", grown.toJson());
    List<String> tok = new ArrayList<>();
    Path tokDir = data.resolve(Trainer.DATA_TOKENIZER);
    if (Files.isDirectory(tokDir)) {
      try (Stream<Path> s = Files.list(tokDir)) {
        for (Path f : s.sorted().toList()) if (Files.isRegularFile(f)) tok.add(f.toAbsolutePath().normalize().toString());
      }
    }
    m.put("tokenizer_files", tok);
    Path dm = data.resolve(RunDir.MANIFEST);
    m.put("dataset_manifest", Files.isRegularFile(dm) ? dm.toAbsolutePath().normalize().toString() : null);
    m.put("config", c.toMap());
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("device", c.device());
    settings.put("dtype", c.dtype());
    settings.put("activation_checkpointing", c.activationCheckpointing());
    settings.put("cpu_offload", c.cpuOffload());
    settings.put("world_size", world);
    m.put("settings", settings);
    m.put("dropout", Arrays.stream(c.dropouts(grown.numHiddenLayers())).boxed().toList());
    m.put("max_len", Math.min(c.maxLen(), grown.maxPositionEmbeddings()));
    m.put("total_steps", schedule.totalSteps());
    m.put("steps_per_epoch", schedule.stepsPerEpoch());
    m.put("resume", resumeFrom == null ? null : Map.of("checkpoint", resumeFrom.toAbsolutePath().normalize().toString(), "step", doneSteps));
    List<Object> steps = new ArrayList<>();
    for (StepSchedule.Step st : schedule.from(1)) steps.add(step(st, c.seed(), world));
    m.put("steps", steps);
    return m;
  }

  /** One step of the schedule as the worker reads it. */
  static Map<String, Object> step(StepSchedule.Step st, long seed, int world) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("step", st.step());
    s.put("epoch", st.epoch());
    s.put("lr", st.lr());
    s.put("trained_tokens", st.trainedTokens());
    List<Object> micro = new ArrayList<>();
    for (int k = 0; k < st.microBatches().size(); k++) {
      Map<String, Object> mb = new LinkedHashMap<>();
      mb.put("rank", k % world);
      mb.put("ids", Arrays.stream(st.microBatches().get(k)).boxed().toList());
      micro.add(mb);
    }
    s.put("micro_batches", micro);
    return s;
  }

  /** Writes the spec to {@code OUT/run-spec.json} (atomically) and returns its path. */
  public static Path write(Path out, Map<String, Object> spec) throws IOException {
    Path f = out.resolve(FILE);
    AtomicFiles.writeString(f, Json.MAPPER.writeValueAsString(spec) + "\n");
    return f;
  }
}
