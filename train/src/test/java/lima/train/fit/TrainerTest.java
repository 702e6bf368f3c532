package lima.train.fit;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import lima.core.RunDir;
import lima.core.UserException;
import lima.train.data.TokenizedDataset;
import lima.train.data.TokenizedExample;
import lima.train.optim.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  static final int V = 12, H = 8;

  /** Sequences where token k is followed by (k + 1) mod V in trained spans: learnable by a bigram model. */
  static List<TokenizedExample> toyData(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<TokenizedExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = r.nextInt(4, 15);
      int[] ids = new int[len];
      boolean[] m = new boolean[len];
      ids[0] = r.nextInt(V);
      for (int k = 1; k < len; k++) {
        m[k] = k >= 2;
        ids[k] = m[k] ? (ids[k - 1] + 1) % V : r.nextInt(V);
      }
      out.add(new TokenizedExample("t" + i, "toy", ids, m, len));
    }
    return out;
  }

  static Path writeData(Path dir, List<TokenizedExample> ex) throws Exception {
    try (var w = new TokenizedDataset.Writer(dir)) {
      for (var e : ex) w.add(e);
      w.commit();
    }
    return dir;
  }

  static Path writeModel(Path dir, float dropout, long seed) throws Exception {
    Files.createDirectories(dir);
    try (NDManager m = NDManager.newBaseManager()) {
      new ToyModel(m, Device.cpu(), V, H, dropout, ToyModel.random(V, H, seed)).save(dir);
    }
    return dir;
  }

  static final Trainer.ModelLoader TOY = (dir, mgr, dev, cfg, minVocab) -> ToyModel.load(dir, mgr, dev);

  static TrainConfig cfg(int epochs, int batch, int micro, double lr, int stopAfter, int saveEvery) {
    return TrainConfig.of("epochs", epochs, "lr", lr, "final-lr", lr / 10, "batch", batch, "micro-batch", micro, "seed", 7, "save-every", saveEvery,
        "stop-after", stopAfter);
  }

  static Trainer.Result train(TrainConfig c, Path model, Path data, Path out, boolean resume) throws Exception {
    try (RunDir run = RunDir.open(new RunDir.Options(out, true, c.seed(), -1))) {
      return new Trainer(c, TOY).run(model, data, run, resume);
    }
  }

  @Test
  void gradientsDoNotDependOnTheMicroBatchSize(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0f, 3);
    List<TokenizedExample> batch = toyData(8, 11);
    long trained = batch.stream().mapToLong(MaskedLoss::targets).sum();
    List<float[]> g1 = null;
    double loss1 = 0;
    for (int micro : new int[] {1, 4, 8}) {
      try (NDManager mgr = NDManager.newBaseManager(); ToyModel m = ToyModel.load(model, mgr, Device.cpu())) {
        for (NDArray w : m.parameters().values()) w.setRequiresGradient(true);
        double[] lt = Trainer.accumulate(m, mgr, Device.cpu(), batch, micro, 7, 1, 0, trained);
        List<float[]> g = new ArrayList<>();
        for (NDArray w : m.parameters().values()) g.add(w.getGradient().toFloatArray());
        if (g1 == null) {
          g1 = g;
          loss1 = lt[0];
          assertTrue(loss1 > 0);
        } else {
          assertEquals(loss1, lt[0], 1e-5, "loss with micro-batch " + micro);
          for (int i = 0; i < g.size(); i++) assertArrayEquals(g1.get(i), g.get(i), 1e-5f, "gradient " + i + " micro " + micro);
        }
      }
    }
  }

  @Test
  void aToyModelLearnsTheTask(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0.1f, 3);
    Path data = writeData(tmp.resolve("d"), toyData(32, 5));
    var r = train(cfg(12, 8, 4, 5e-2, 0, 0), model, data, tmp.resolve("out"), false);
    assertTrue(r.finished());
    assertEquals(48, r.totalSteps());
    double first = r.metrics().get(0).loss();
    assertTrue(r.lastLoss() < first / 3, "loss " + first + " -> " + r.lastLoss());
    for (int k = 1; k <= 12; k++) assertTrue(Files.isRegularFile(tmp.resolve("out/epoch-" + k + "/toy.bin")));
    assertTrue(Files.isRegularFile(tmp.resolve("out/final/toy.bin")));
    assertTrue(Files.isRegularFile(tmp.resolve("out/final/optimizer.bin")));
    assertTrue(Files.size(tmp.resolve("out/loss.png")) > 1000);
    List<String> lines = Files.readAllLines(tmp.resolve("out/metrics.jsonl"));
    assertEquals(48, lines.size());
    assertTrue(lines.get(0).contains("\"grad_norm\"") && lines.get(0).contains("\"tokens_per_s\""), lines.get(0));
    assertEquals(5e-2, r.metrics().get(0).lr(), 1e-12);
    assertEquals(5e-3, r.metrics().get(47).lr(), 1e-12);
  }

  @Test
  void aResumedRunEndsWithTheSameBytes(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0.3f, 4);
    Path data = writeData(tmp.resolve("d"), toyData(20, 9));
    // 20 examples, batch 6: 4 steps per epoch (last batch 2), 3 epochs = 12 steps
    train(cfg(3, 6, 2, 1e-2, 0, 0), model, data, tmp.resolve("straight"), false);
    var a = train(cfg(3, 6, 2, 1e-2, 6, 0), model, data, tmp.resolve("resumed"), false); // stops mid-epoch 2
    assertFalse(a.finished());
    assertEquals(6, a.stepsDone());
    assertTrue(Files.isDirectory(tmp.resolve("resumed/step-6")));
    var b = train(cfg(3, 6, 2, 1e-2, 2, 0), model, data, tmp.resolve("resumed"), true); // to step 8, the end of epoch 2
    assertEquals(8, b.stepsDone());
    assertTrue(Files.isDirectory(tmp.resolve("resumed/epoch-2")), "a stop at the end of an epoch still saves the epoch");
    var c = train(cfg(3, 6, 2, 1e-2, 0, 0), model, data, tmp.resolve("resumed"), true);
    assertTrue(c.finished());
    assertEquals(12, c.metrics().size());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("straight/final/toy.bin")), Files.readAllBytes(tmp.resolve("resumed/final/toy.bin")));
    assertArrayEquals(Files.readAllBytes(tmp.resolve("straight/final/optimizer.bin")), Files.readAllBytes(tmp.resolve("resumed/final/optimizer.bin")));
    assertFalse(Files.exists(tmp.resolve("resumed/step-6")), "step checkpoints are dropped once an epoch is saved");
  }

  @Test
  void forceStartsFromAnEmptyFolderSoResumeCannotPickAnEarlierRun(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0f, 4);
    Path dataA = writeData(tmp.resolve("a"), toyData(10, 9));
    Path dataB = writeData(tmp.resolve("b"), toyData(10, 10));
    train(cfg(2, 5, 5, 1e-2, 0, 0), model, dataB, tmp.resolve("straight"), false);
    train(cfg(2, 5, 5, 1e-2, 0, 0), model, dataA, tmp.resolve("o"), false); // a finished run on other data
    assertTrue(Files.isDirectory(tmp.resolve("o/epoch-2")));
    train(cfg(2, 5, 5, 1e-2, 1, 0), model, dataB, tmp.resolve("o"), false); // --force, stopped after one step
    for (String old : List.of("epoch-1", "epoch-2", "final"))
      assertFalse(Files.exists(tmp.resolve("o/" + old)), old + " of the earlier run is left behind");
    assertEquals(1, Files.readAllLines(tmp.resolve("o/metrics.jsonl")).size());
    var r = train(cfg(2, 5, 5, 1e-2, 0, 0), model, dataB, tmp.resolve("o"), true);
    assertTrue(r.finished());
    assertEquals(4, r.metrics().size());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("straight/final/toy.bin")), Files.readAllBytes(tmp.resolve("o/final/toy.bin")));
  }

  @Test
  void resumeRefusesACheckpointOfAnotherDatasetModelOrEngine(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0f, 4);
    Path other = writeModel(tmp.resolve("m2"), 0f, 5);
    Path data = writeData(tmp.resolve("d"), toyData(10, 9));
    Path data2 = writeData(tmp.resolve("d2"), toyData(10, 10));
    train(cfg(2, 5, 5, 1e-2, 1, 0), model, data, tmp.resolve("o"), false);
    var e = assertThrows(UserException.class, () -> train(cfg(2, 5, 5, 1e-2, 0, 0), model, data2, tmp.resolve("o"), true));
    assertTrue(e.getMessage().contains("dataset (--data)") && !e.getMessage().contains("base model"), e.getMessage());
    e = assertThrows(UserException.class, () -> train(cfg(2, 5, 5, 1e-2, 0, 0), other, data, tmp.resolve("o"), true));
    assertTrue(e.getMessage().contains("base model (--model)") && !e.getMessage().contains("dataset"), e.getMessage());
    Path state = tmp.resolve("o/step-1/" + Checkpoints.STATE);
    String st = Files.readString(state);
    assertTrue(st.contains("\"engine\" : \"djl\""), st);
    Files.writeString(state, st.replace("\"engine\" : \"djl\"", "\"engine\" : \"fsdp\""));
    e = assertThrows(UserException.class, () -> train(cfg(2, 5, 5, 1e-2, 0, 0), model, data, tmp.resolve("o"), true));
    assertTrue(e.getMessage().contains("engine: fsdp there, djl now"), e.getMessage());
  }

  @Test
  void aKillBeforeFinalIsCompletedByResume(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0f, 4);
    Path data = writeData(tmp.resolve("d"), toyData(10, 9));
    train(cfg(2, 5, 5, 1e-2, 0, 0), model, data, tmp.resolve("o"), false);
    Checkpoints.deleteTree(tmp.resolve("o/final")); // as if killed after epoch-2/ was saved
    Files.delete(tmp.resolve("o/loss.png"));
    var r = train(cfg(2, 5, 5, 1e-2, 0, 0), model, data, tmp.resolve("o"), true);
    assertTrue(r.finished());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("o/epoch-2/toy.bin")), Files.readAllBytes(tmp.resolve("o/final/toy.bin")));
    assertTrue(Files.isRegularFile(tmp.resolve("o/loss.png")));
  }

  @Test
  void resumingWithAnotherRecipeIsRefused(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0f, 4);
    Path data = writeData(tmp.resolve("d"), toyData(10, 9));
    train(cfg(2, 5, 5, 1e-2, 1, 0), model, data, tmp.resolve("o"), false);
    var e = assertThrows(UserException.class, () -> train(cfg(2, 4, 4, 1e-2, 0, 0), model, data, tmp.resolve("o"), true));
    assertTrue(e.getMessage().contains("batch"), e.getMessage());
  }

  @Test
  void trainingDoesNotTrimButRefusesExamplesLongerThanMaxLen(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0f, 4);
    Path data = writeData(tmp.resolve("d"), toyData(10, 9)); // 4 to 14 tokens
    var e = assertThrows(UserException.class, () -> train(cfg(1, 5, 5, 1e-2, 0, 0).with("max-len", 8), model, data, tmp.resolve("o"), false));
    assertTrue(e.getMessage().contains("more than --max-len 8") && e.getMessage().contains("lima tokenize"), e.getMessage());
  }

  @Test
  void aNonFiniteLossStopsNamingTheStep(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("m");
    Files.createDirectories(dir);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, float[]> init = ToyModel.random(V, H, 1);
      init.get("bias")[3] = Float.NaN;
      new ToyModel(m, Device.cpu(), V, H, 0f, init).save(dir);
    }
    Path data = writeData(tmp.resolve("d"), toyData(4, 2));
    var e = assertThrows(UserException.class, () -> train(cfg(1, 4, 4, 1e-2, 0, 0), dir, data, tmp.resolve("o"), false));
    assertTrue(e.getMessage().contains("step 1") && e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void aBatchWithoutTrainedTokensHasNoLossAndNoUpdate(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0f, 3);
    var ex = new ArrayList<>(toyData(1, 5));
    ex.add(new TokenizedExample("none", "toy", new int[] {1, 2, 3}, new boolean[3], 9));
    Path data = writeData(tmp.resolve("d"), ex);
    var r = train(cfg(1, 1, 1, 1e-2, 0, 0), model, data, tmp.resolve("o"), false);
    assertEquals(2, r.metrics().size());
    long empty = r.metrics().stream().filter(m -> m.trainedTokens() == 0).count();
    assertEquals(1, empty);
    for (var m : r.metrics()) assertEquals(m.trainedTokens() == 0, Double.isNaN(m.loss()), m.toString());
    assertTrue(Files.readString(tmp.resolve("o/metrics.jsonl")).contains("\"loss\":null"));
    assertTrue(Double.isFinite(r.lastLoss()));
    // the step without trained tokens changed no weight: not even weight decay was applied
    Path onlyEmpty = writeData(tmp.resolve("e"), List.of(ex.get(1)));
    var e = train(cfg(2, 1, 1, 1e-2, 0, 0), model, onlyEmpty, tmp.resolve("e-out"), false);
    assertEquals(2, e.metrics().size());
    assertTrue(Double.isNaN(e.lastLoss()));
    Map<String, float[]> before = weights(model), after = weights(tmp.resolve("e-out/final"));
    for (String k : before.keySet()) assertArrayEquals(before.get(k), after.get(k), 0f, k);
  }

  static Map<String, float[]> weights(Path dir) throws Exception {
    Map<String, float[]> w = new java.util.LinkedHashMap<>();
    try (NDManager mgr = NDManager.newBaseManager(); ToyModel m = ToyModel.load(dir, mgr, Device.cpu())) {
      m.parameters().forEach((k, a) -> w.put(k, a.toFloatArray()));
    }
    return w;
  }

  /**
   * --clip scales the gradients to the clip norm before AdamW. With eps = 1 the first AdamW update,
   * lr * g / (|g| + eps), depends on the gradient's scale, so the weights show which gradient was used.
   */
  @Test
  void clipScalesTheGradientToTheClipNormBeforeTheUpdate(@TempDir Path tmp) throws Exception {
    Path model = writeModel(tmp.resolve("m"), 0f, 6);
    List<TokenizedExample> ex = toyData(6, 3);
    Path data = writeData(tmp.resolve("d"), ex);
    long trained = ex.stream().mapToLong(MaskedLoss::targets).sum();
    Map<String, float[]> w0 = weights(model), grad = new java.util.LinkedHashMap<>();
    double norm;
    try (NDManager mgr = NDManager.newBaseManager(); ToyModel m = ToyModel.load(model, mgr, Device.cpu())) {
      for (NDArray w : m.parameters().values()) w.setRequiresGradient(true);
      Trainer.accumulate(m, mgr, Device.cpu(), ex, ex.size(), 7, 1, 0, trained);
      double sq = 0;
      for (var e : m.parameters().entrySet()) {
        float[] g = e.getValue().getGradient().toFloatArray();
        grad.put(e.getKey(), g);
        for (float f : g) sq += (double) f * f;
      }
      norm = Math.sqrt(sq);
    }
    assertTrue(norm > 0.1, "gradient norm " + norm);
    double lr = 0.1, eps = 1.0;
    for (double clip : new double[] {norm / 4, 0}) {
      TrainConfig c = cfg(2, 6, 6, lr, 0, 0).with("eps", eps, "weight-decay", 0.0, "clip", clip);
      Path out = tmp.resolve("o" + clip);
      var r = train(c, model, data, out, false);
      assertEquals(norm, r.metrics().get(0).gradNorm(), 1e-4 * norm, "grad_norm is logged before clipping");
      double scale = clip > 0 ? clip / (norm + 1e-6) : 1;
      Map<String, float[]> w1 = weights(out.resolve("epoch-1"));
      for (String k : w0.keySet()) {
        float[] a = w0.get(k), g = grad.get(k), b = w1.get(k);
        for (int i = 0; i < a.length; i++) {
          double gi = g[i] * scale;
          double want = a[i] - lr * gi / (Math.abs(gi) + eps);
          assertEquals(want, b[i], 1e-5, k + "[" + i + "] with clip " + clip);
        }
      }
    }
  }

  @Test
  void clippingBoundsTheUpdateNorm() throws Exception {
    try (NDManager mgr = NDManager.newBaseManager()) {
      NDArray w = mgr.create(new float[] {3f, 4f});
      w.setRequiresGradient(true);
      try (var gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        gc.backward(w.mul(w).sum()); // grad = 2w = (6, 8), norm 10
      }
      var params = List.of(AdamW.Param.of("w", w));
      assertEquals(10.0, Trainer.gradientNorm(params, mgr), 1e-5);
      Trainer.scaleGradients(params, mgr, 0.5);
      assertEquals(5.0, Trainer.gradientNorm(params, mgr), 1e-5);
    }
  }
}
