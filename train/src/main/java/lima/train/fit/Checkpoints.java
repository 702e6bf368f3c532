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
  private final Identity identity;

  /**
   * What a checkpoint must share with the run that resumes it beyond the settings: the engine that
   * wrote it, and the sha256 of the base model's files and of the dataset's files ({@link #fingerprint}).
   */
  public record Identity(String engine, String modelSha256, String datasetSha256) {
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("engine", engine);
      m.put("model_sha256", modelSha256);
      m.put("dataset_sha256", datasetSha256);
      return m;
    }

    /** The base model's files: those at the top of its folder (config, weights, tokenizer), not hidden ones or notes (*.md, *.txt). */
    public static String model(Path dir) throws IOException {
      return fingerprint(dir, f -> !f.contains("/") && !f.startsWith(".") && !f.endsWith(".md") && !f.endsWith(".txt"));
    }

    /** The tokenized dataset's files: index, shards, dataset.json and its tokenizer (not manifest or stats). */
    public static String dataset(Path dir) throws IOException {
      return fingerprint(dir, f -> f.equals("index.jsonl") || f.equals("dataset.json") || f.startsWith("shard-") || f.startsWith(Trainer.DATA_TOKENIZER + "/"));
    }
  }

  public Checkpoints(Path out, TrainConfig config, Identity identity) {
    this.out = out;
    this.config = config;
    this.identity = identity;
  }

  /**
   * sha256 over "path sha256" lines of the regular files under {@code dir} (paths relative, '/'
   * separated, sorted) that {@code which} accepts.
   */
  static String fingerprint(Path dir, java.util.function.Predicate<String> which) throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (which.test(rel)) b.append(rel).append(' ').append(lima.core.Hashing.sha256(p)).append('\n');
      }
    }
    return lima.core.Hashing.sha256(b.toString());
  }

  /** Removes what an earlier run left in the folder (checkpoints, final/, metrics, chart), so a new run starts empty. */
  public void clear() throws IOException {
    if (!Files.isDirectory(out)) return;
    try (Stream<Path> s = Files.list(out)) {
      for (Path p : s.toList()) {
        String f = p.getFileName().toString();
        boolean ours = f.startsWith("epoch-") || f.startsWith("step-") || f.equals(FINAL) || (f.startsWith(".") && (f.endsWith(".tmp") || f.endsWith(".old")))
            || f.equals(Metrics.FILE) || f.equals(Metrics.LOSS_PNG);
        if (ours) deleteTree(p);
      }
    }
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
    st.putAll(identity.toJson());
    st.put("seed", config.seed());
    st.put("rng", Map.of(
        "data_order", "Hashing.rng(seed, \"epoch/<e>\") Fisher-Yates per epoch",
        "dropout", "mask of example <i>, layer <l>, branch <b> at step <n> from Hashing.rng(seed, \"dropout/<n>/<i>/<l>/<b>\")",
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
    java.util.List<String> differs = new java.util.ArrayList<>();
    Map<String, Object> mine = identity.toJson();
    Map<String, String> what = Map.of("engine", "engine", "model_sha256", "base model (--model)", "dataset_sha256", "dataset (--data)");
    for (String k : mine.keySet()) {
      JsonNode v = st.get(k);
      if (v == null || !v.asText().equals(mine.get(k)))
        differs.add(what.get(k) + ": " + (v == null ? "not recorded" : v.asText()) + " there, " + mine.get(k) + " now");
    }
    if (!differs.isEmpty())
      throw new UserException("--resume: " + ckpt + " belongs to another run (" + String.join("; ", differs)
          + "); resume with the same model, data and engine, or start over with --force");
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
