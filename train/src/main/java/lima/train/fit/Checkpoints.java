package lima.train.fit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import lima.core.AtomicFiles;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.UserException;
import lima.train.optim.AdamW;

/**
 * The checkpoints of a run folder: {@code epoch-K/} after every epoch, {@code step-N/} mid-epoch
 * (only the latest is kept, and none once an epoch is saved), {@code final/} linking the last epoch.
 * Each is written to {@code .NAME.tmp/} and renamed into place, so a kill leaves the old or the new
 * one, never half of one.
 */
public final class Checkpoints {
  public static final String STATE = "trainer-state.json";
  public static final String OPTIMIZER = "optimizer.bin";
  public static final String DATASET_MANIFEST = "dataset-manifest.json";
  public static final String FINAL = "final";

  private final Path out;
  private final TrainConfig config;

  public Checkpoints(Path out, TrainConfig config) {
    this.out = out;
    this.config = config;
  }

  /** Where a run stands after a checkpoint: steps done of the schedule. */
  public record Position(long step, long stepsPerEpoch, long totalSteps) {
    int epoch() {
      return (int) ((step - 1) / stepsPerEpoch);
    }
  }

  /**
   * Writes checkpoint {@code name}: the model, the dataset's tokenizer files, the optimizer state, the
   * dataset manifest and trainer-state.json; then drops step checkpoints older than it.
   */
  public void save(TrainableModel model, AdamW opt, Path dataDir, String name, Position at) throws IOException {
    Path target = out.resolve(name);
    Path tmp = out.resolve("." + name + ".tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    model.save(tmp);
    Path tok = dataDir.resolve(Trainer.DATA_TOKENIZER);
    if (Files.isDirectory(tok)) {
      try (Stream<Path> s = Files.list(tok)) {
        for (Path f : s.sorted().toList())
          if (Files.isRegularFile(f)) Files.copy(f, tmp.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    opt.save(tmp.resolve(OPTIMIZER));
    Path dm = dataDir.resolve(RunDir.MANIFEST);
    if (Files.isRegularFile(dm)) Files.copy(dm, tmp.resolve(DATASET_MANIFEST));
    AtomicFiles.writeString(tmp.resolve(STATE), Json.PRETTY.writeValueAsString(state(at)) + "\n");
    Path old = out.resolve("." + name + ".old");
    deleteTree(old);
    if (Files.exists(target)) Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
    // an older step checkpoint is superseded by this one
    try (Stream<Path> s = Files.list(out)) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        if (f.startsWith("step-") && !f.equals(name) && stepOf(p) < at.step()) deleteTree(p);
      }
    }
  }

  private Map<String, Object> state(Position at) {
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("step", at.step());
    st.put("total_steps", at.totalSteps());
    st.put("steps_per_epoch", at.stepsPerEpoch());
    st.put("epoch", at.epoch() + 1);
    st.put("epoch_complete", at.step() % at.stepsPerEpoch() == 0);
    st.put("seed", config.seed());
    st.put("rng", Map.of(
        "data_order", "Hashing.rng(seed, \"epoch/<e>\") Fisher-Yates per epoch",
        "dropout", "engine seeded before each micro-batch with Hashing.key(seed, \"dropout/<step>/<micro>\")",
        "next_step", at.step() + 1));
    st.put("config", config.toMap());
    return st;
  }

  /** Removes every {@code step-N/} (an epoch checkpoint supersedes them). */
  public void deleteStepCheckpoints() throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      for (Path p : s.toList()) if (p.getFileName().toString().startsWith("step-")) deleteTree(p);
    }
  }

  /** Makes {@code final/} hold the files of checkpoint {@code from} (hard links where possible). */
  public void linkFinal(String from) throws IOException {
    Path finalDir = out.resolve(FINAL);
    Path tmp = out.resolve("." + FINAL + ".tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    try (Stream<Path> s = Files.list(out.resolve(from))) {
      for (Path f : s.sorted().toList()) {
        Path t = tmp.resolve(f.getFileName());
        try {
          Files.createLink(t, f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, t);
        }
      }
    }
    deleteTree(finalDir);
    Files.move(tmp, finalDir, StandardCopyOption.ATOMIC_MOVE);
  }

  static long stepOf(Path checkpoint) {
    try {
      return Json.MAPPER.readTree(checkpoint.resolve(STATE).toFile()).path("step").asLong(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  /** The checkpoint of {@code out} with the most steps (epoch-K or step-N), or null. */
  public static Path latest(Path out) throws IOException {
    if (!Files.isDirectory(out)) return null;
    try (Stream<Path> s = Files.list(out)) {
      return s.filter(p -> {
            String f = p.getFileName().toString();
            return (f.startsWith("epoch-") || f.startsWith("step-")) && Files.isRegularFile(p.resolve(STATE));
          })
          .max(Comparator.comparingLong(Checkpoints::stepOf))
          .orElse(null);
    }
  }

  /**
   * Reads the state of checkpoint {@code ckpt} for a resume, refusing it when a setting that must
   * stay the same ({@link TrainSetting.Resume#SAME}) differs; returns the steps it has done.
   */
  public long resumable(Path ckpt) throws IOException {
    JsonNode st = Json.MAPPER.readTree(ckpt.resolve(STATE).toFile());
    String engine = st.path("engine").asText(st.path("config").path("engine").asText("djl"));
    if (!engine.equals(config.engine()))
      throw new UserException("--resume: " + ckpt + " was written by the " + engine + " engine, this run asks for --engine " + config.engine()
          + "; a checkpoint resumes only on its own engine (its final weights load anywhere as a model folder)");
    String diff = config.differenceFrom(st.path("config"));
    if (diff != null)
      throw new UserException("--resume: " + ckpt + " was trained with " + diff + "; resume with the same settings (or start a new --out)");
    return st.path("step").asLong();
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
    }
  }
}
