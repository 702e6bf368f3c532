package lima.train.fit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.RunDir;
import lima.core.UserException;
import lima.train.data.TokenizedDataset;

/** {@code lima train}'s entry point: the run folder, the engine threads, the LLaMA loader and the manifest. */
public final class FineTune {
  private FineTune() {}

  public static Trainer.Result run(TrainConfig config, Path model, Path data, Path out, boolean force, boolean resume) throws IOException {
    checkFolders(model, data);
    DatasetInfo.checkTokenizer(model, data);
    if (config.threads() > 0) {
      ai.djl.engine.Engine.getInstance(); // loads libtorch; then set its intra-op pool through DJL, not a system property
      ai.djl.pytorch.jni.JniUtils.setNumThreads(config.threads());
    }
    try (RunDir run = RunDir.open(new RunDir.Options(out, force || resume, config.seed(), -1))) {
      recordInputs(run, config, model, data, resume);
      Trainer.Result r = new Trainer(config, LlamaTrainable::load).run(model, data, run, resume);
      run.stats().add("train", "steps", r.stepsDone());
      run.stats().note("last_loss", r.lastLoss());
      run.stats().note("finished", r.finished());
      List<String> outputs = new ArrayList<>(List.of(Metrics.FILE));
      if (Files.isRegularFile(out.resolve(Metrics.LOSS_PNG))) outputs.add(Metrics.LOSS_PNG);
      if (r.finished()) outputs.add("final/model.safetensors");
      run.finish("train", outputs, null);
      return r;
    }
  }

  /** Refuses a {@code --model} that is not a folder and a {@code --data} that is not a tokenized dataset (both engines). */
  public static void checkFolders(Path model, Path data) {
    if (!Files.isDirectory(model)) throw new UserException(model + ": --model is not a folder");
    if (!Files.isRegularFile(data.resolve(TokenizedDataset.INDEX)))
      throw new UserException(data + ": --data is not a tokenized dataset (run lima tokenize first)");
  }

  /**
   * What a training run's manifest records before it starts (both engines): the settings, the model and
   * data folders and whether it resumes; the model's config and the dataset's index (and dataset.json) as
   * inputs; the dataset's manifest as upstream.
   */
  public static void recordInputs(RunDir run, TrainConfig config, Path model, Path data, boolean resume) {
    config.toMap().forEach(run::config);
    run.config("model", model.toString()).config("data", data.toString()).config("resume", resume);
    run.input(model.resolve("config.json")).input(data.resolve(TokenizedDataset.INDEX));
    if (Files.isRegularFile(data.resolve("dataset.json"))) run.input(data.resolve("dataset.json"));
    run.upstream(data.resolve(RunDir.MANIFEST));
  }
}
