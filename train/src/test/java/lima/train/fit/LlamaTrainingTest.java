package lima.train.fit;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import lima.core.RunDir;
import lima.train.chat.ChatFormat;
import lima.train.data.TokenizedExample;
import lima.train.generate.FinishReason;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generation;
import lima.train.generate.Generator;
import lima.train.model.LlamaConfig;
import lima.train.model.LlamaModel;
import lima.train.safetensors.DType;
import lima.train.tokenize.Tokenize;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLaMA of lima.train.model under the trainer: gradients, GC safety, learning, EOT, resume. */
class LlamaTrainingTest {

  static LlamaConfig tiny(int vocab, boolean tied) {
    return new LlamaConfig(16, 2, 4, 2, 24, 1e-5, 10000.0, tied, 1, List.of(2), 64, vocab, 4, "float32");
  }

  static Path modelDir(Path dir, LlamaConfig c, long seed) throws Exception {
    Files.createDirectories(dir);
    try (NDManager m = NDManager.newBaseManager(); LlamaModel model = LlamaModel.random(c, m, seed)) {
      model.save(dir, DType.F32);
    }
    return dir;
  }

  static List<TokenizedExample> randomData(int n, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<TokenizedExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = r.nextInt(3, 12);
      int[] ids = new int[len];
      boolean[] m = new boolean[len];
      for (int k = 0; k < len; k++) {
        ids[k] = r.nextInt(vocab);
        m[k] = k > len / 2;
      }
      out.add(new TokenizedExample("r" + i, "x", ids, m, len));
    }
    return out;
  }

  static List<float[]> grads(Map<String, NDArray> params) {
    List<float[]> g = new ArrayList<>();
    for (NDArray w : params.values()) g.add(w.getGradient().toFloatArray());
    return g;
  }

  static double loss(TrainableModel m, NDManager mgr, List<TokenizedExample> batch) {
    try (NDManager sub = mgr.newSubManager()) {
      var in = MaskedLoss.collate(sub, batch);
      return MaskedLoss.sum(m.logits(in.inputs(), null), in.targets(), in.weights()).getFloat();
    }
  }

  @Test
  void gradientsMatchFiniteDifferences(@TempDir Path tmp) throws Exception {
    // fp32 (the model computes in fp32): a central difference along a random direction per tensor
    LlamaConfig c = new LlamaConfig(8, 1, 2, 1, 12, 1e-5, 10000.0, false, 1, List.of(2), 32, 10, 4, "float32");
    Path dir = modelDir(tmp.resolve("m"), c, 5);
    List<TokenizedExample> batch = randomData(3, 10, 8);
    try (NDManager mgr = NDManager.newBaseManager(); TrainableModel m = LlamaTrainable.load(dir, mgr, Device.cpu(), cfg(0.0), 0)) {
      Map<String, NDArray> params = m.parameters();
      // spread the weights (N(0, 0.02) makes every gradient tiny next to fp32 rounding)
      NDArray spread = mgr.full(new Shape(), 20f);
      for (var e : params.entrySet()) if (!e.getKey().endsWith("norm.weight")) e.getValue().muli(spread);
      for (NDArray w : params.values()) w.setRequiresGradient(true);
      try (NDManager sub = mgr.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        var in = MaskedLoss.collate(sub, batch);
        gc.backward(MaskedLoss.sum(m.logits(in.inputs(), null), in.targets(), in.weights()));
      }
      SplittableRandom r = new SplittableRandom(3);
      float eps = 1e-2f;
      int checked = 0;
      for (var e : params.entrySet()) {
        NDArray w = e.getValue();
        float[] g = w.getGradient().toFloatArray();
        float[] d = new float[g.length];
        double analytic = 0;
        for (int i = 0; i < d.length; i++) {
          d[i] = r.nextBoolean() ? 1f : -1f;
          analytic += g[i] * d[i];
        }
        NDArray step = mgr.create(d, w.getShape()).mul(mgr.full(new Shape(), eps));
        w.addi(step);
        double plus = loss(m, mgr, batch);
        w.subi(step).subi(step);
        double minus = loss(m, mgr, batch);
        w.addi(step);
        double numeric = (plus - minus) / (2 * eps);
        assertEquals(analytic, numeric, 2e-2 * Math.max(1, Math.abs(analytic)), e.getKey() + ": autograd " + analytic + " vs finite difference " + numeric);
        checked++;
      }
      assertEquals(c.expectedTensors().size(), checked);
    }
  }

  @Test
  void aGarbageCollectionBetweenForwardAndBackwardChangesNoGradient(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp.resolve("m"), tiny(20, true), 6);
    List<TokenizedExample> batch = randomData(4, 20, 2);
    long trained = batch.stream().mapToLong(MaskedLoss::targets).sum();
    List<List<float[]>> runs = new ArrayList<>();
    for (boolean gc : new boolean[] {false, true}) {
      try (NDManager mgr = NDManager.newBaseManager(); TrainableModel m = LlamaTrainable.load(dir, mgr, Device.cpu(), cfg(0.3), 0)) {
        for (NDArray w : m.parameters().values()) w.setRequiresGradient(true);
        try (NDManager sub = mgr.newSubManager(); GradientCollector col = Engine.getInstance().newGradientCollector()) {
          var in = MaskedLoss.collate(sub, batch);
          NDArray loss = MaskedLoss.share(m.logits(in.inputs(), new SeededDropout(77, 1, new int[] {0, 1, 2, 3})), in.targets(), in.weights(), trained);
          if (gc) {
            List<byte[]> garbage = new ArrayList<>();
            for (int i = 0; i < 200; i++) garbage.add(new byte[1 << 16]);
            garbage.clear();
            for (int i = 0; i < 3; i++) {
              System.gc();
              Thread.sleep(20);
            }
          }
          col.backward(loss);
        }
        runs.add(grads(m.parameters()));
      }
    }
    for (int i = 0; i < runs.get(0).size(); i++) assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), 0f, "tensor " + i);
  }

  @Test
  void paddedMicroBatchesGiveTheGradientsOfSingleExamples(@TempDir Path tmp) throws Exception {
    // examples of different lengths: micro-batch 4 right-pads them; causal attention must make that harmless
    Path dir = modelDir(tmp.resolve("m"), tiny(20, false), 8);
    List<TokenizedExample> batch = randomData(4, 20, 12);
    long trained = batch.stream().mapToLong(MaskedLoss::targets).sum();
    List<List<float[]>> runs = new ArrayList<>();
    double[] losses = new double[2];
    int k = 0;
    for (int micro : new int[] {1, 4}) {
      try (NDManager mgr = NDManager.newBaseManager(); TrainableModel m = LlamaTrainable.load(dir, mgr, Device.cpu(), cfg(0.0), 0)) {
        for (NDArray w : m.parameters().values()) w.setRequiresGradient(true);
        losses[k++] = Trainer.accumulate(m, mgr, Device.cpu(), batch, micro, 1, 1, 0, trained)[0];
        runs.add(grads(m.parameters()));
      }
    }
    assertEquals(losses[0], losses[1], 1e-5);
    for (int i = 0; i < runs.get(0).size(); i++) assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), 1e-5f, "tensor " + i);
  }

  @Test
  void trainingPassesLeaveNoArraysInTheModel(@TempDir Path tmp) throws Exception {
    Path dir = modelDir(tmp.resolve("m"), tiny(20, false), 6);
    List<TokenizedExample> batch = randomData(2, 20, 4);
    try (NDManager mgr = NDManager.newBaseManager(); TrainableModel m = LlamaTrainable.load(dir, mgr, Device.cpu(), cfg(0.3), 0)) {
      for (NDArray w : m.parameters().values()) w.setRequiresGradient(true);
      int before = mgr.getManagedArrays().size();
      for (int i = 0; i < 3; i++) {
        try (NDManager sub = mgr.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          var in = MaskedLoss.collate(sub, batch);
          gc.backward(MaskedLoss.share(m.logits(in.inputs(), new SeededDropout(1, i, new int[] {0, 1})), in.targets(), in.weights(), 10));
        }
      }
      assertEquals(before, mgr.getManagedArrays().size(), "arrays left behind by training passes");
    }
  }

  static TrainConfig cfg(double dropoutTop) {
    return TrainConfig.of("epochs", 1, "lr", 1e-3, "final-lr", 1e-4, "batch", 4, "micro-batch", 2, "dropout-top", dropoutTop, "seed", 3);
  }

  static TrainConfig run(int epochs, int batch, double lr, double dropout, int stopAfter) {
    return TrainConfig.of("epochs", epochs, "lr", lr, "final-lr", lr / 10, "batch", batch, "micro-batch", 2, "weight-decay", 0.0, "dropout-top", dropout,
        "seed", 11, "clip", 1.0, "stop-after", stopAfter);
  }

  static Trainer.Result train(TrainConfig c, Path model, Path data, Path out, boolean resume) throws Exception {
    try (RunDir run = RunDir.open(new RunDir.Options(out, true, c.seed(), -1))) {
      return new Trainer(c, LlamaTrainable::load).run(model, data, run, resume);
    }
  }

  /** A tiny LLaMA with the word-level tokenizer of the tokenize tests, tokenized conversations. */
  static Path[] tinySetup(Path tmp, String... conversations) throws Exception {
    Path model = lima.train.tokenize.WordTokenizer.write(tmp.resolve("m"));
    modelDir(model, tiny(lima.train.tokenize.WordTokenizer.WORDS.length, true), 21);
    Path jsonl = tmp.resolve("d.jsonl");
    Files.writeString(jsonl, String.join("\n", conversations) + "\n");
    Path data = tmp.resolve("data");
    try (RunDir run = RunDir.open(new RunDir.Options(data, false, 0, -1))) {
      Tokenize.run(List.of(jsonl), model, 2048, run);
    }
    return new Path[] {model, data};
  }

  static final String[] CONVERSATIONS = {
    "{\"conversations\":[\"hi there\",\"hello you\"],\"source\":\"a\"}",
    "{\"conversations\":[\"a b\",\"c c c\"],\"source\":\"a\"}",
    "{\"conversations\":[\"more\",\"ok ok\"],\"source\":\"b\"}",
    "{\"conversations\":[\"b a\",\"a\"],\"source\":\"b\"}",
  };

  @Test
  void aTinyLlamaLearnsToAnswerAndStopsAtEot(@TempDir Path tmp) throws Exception {
    List<String> four = new ArrayList<>();
    for (int k = 0; k < 4; k++) four.addAll(List.of(CONVERSATIONS));
    Path[] s = tinySetup(tmp, four.toArray(String[]::new));
    // 16 examples, batch 4: 4 steps per epoch, 15 epochs (the paper's count)
    var r = train(run(15, 4, 3e-2, 0.0, 0), s[0], s[1], tmp.resolve("out"), false);
    assertTrue(r.finished());
    double first = r.metrics().get(0).loss();
    assertTrue(r.lastLoss() < first / 5, "loss " + first + " -> " + r.lastLoss());
    Path fin = tmp.resolve("out/final");
    // a Hugging Face folder with the grown vocabulary and the EOT token
    assertEquals(13, LlamaConfig.read(fin).vocabSize());
    try (NDManager mgr = NDManager.newBaseManager(); LlamaModel m = LlamaModel.load(fin, mgr); LimaTokenizer tok = Tokenizers.open(fin)) {
      ChatFormat chat = ChatFormat.of(tok);
      assertTrue(chat.hasDedicatedEot());
      assertEquals(12, chat.eot());
      List<Integer> out = greedy(m, mgr, chat.prompt("hi there"), chat.stopIds(), 10);
      assertEquals(List.of(tok.id("hello"), tok.id("you"), chat.eot()), out, "generation stops at EOT");
      out = greedy(m, mgr, chat.prompt("a b"), chat.stopIds(), 10);
      assertEquals(List.of(tok.id("c"), tok.id("c"), tok.id("c"), chat.eot()), out);
    }
    // the project's generator (lima generate) loads the checkpoint and stops on EOT
    try (Generator g = Generator.open(fin)) {
      var opts = new GenerateOptions(10, 0f, 1f, 1f, 1L, List.of(), false);
      Generation gen = g.generate("hi there", opts, lima.train.generate.TokenListener.NONE);
      assertEquals(FinishReason.EOT, gen.finishReason(), gen.toString());
      assertEquals("hello you", gen.text().strip());
      assertArrayEquals(new int[] {5, 6, 12}, gen.completionIds());
    }
    assertTrue(Files.isRegularFile(tmp.resolve("out/epoch-15/optimizer.bin")));
    assertTrue(Files.isRegularFile(tmp.resolve("out/final/tokenizer_config.json")));
    assertTrue(Files.isRegularFile(tmp.resolve("out/final/" + lima.train.fit.Checkpoints.DATASET_MANIFEST)));
  }

  /** Greedy decoding until a stop id (included) or max new tokens. */
  static List<Integer> greedy(LlamaModel m, NDManager mgr, int[] prompt, int[] stops, int max) {
    List<Integer> ids = new ArrayList<>();
    for (int p : prompt) ids.add(p);
    List<Integer> out = new ArrayList<>();
    for (int k = 0; k < max; k++) {
      try (NDManager sub = mgr.newSubManager()) {
        long[] a = ids.stream().mapToLong(Integer::longValue).toArray();
        NDArray logits = m.forward(sub.create(a, new Shape(1, a.length)), null, false, true);
        int next = (int) logits.argMax(-1).toType(DataType.INT64, false).toLongArray()[0];
        out.add(next);
        ids.add(next);
        for (int st : stops) if (st == next) return out;
      }
    }
    return out;
  }

  @Test
  void dataTokenizedForAnotherModelIsRefusedNamingBothTokenizers(@TempDir Path tmp) throws Exception {
    Path[] s = tinySetup(tmp, CONVERSATIONS);
    Path other = Files.createDirectories(tmp.resolve("other"));
    try (var files = Files.list(s[0])) {
      for (Path f : files.toList()) Files.copy(f, other.resolve(f.getFileName()));
    }
    Path tj = other.resolve("tokenizer.json");
    Files.writeString(tj, Files.readString(tj).replace("\"hello\"", "\"howdy\""));
    var e = assertThrows(lima.core.UserException.class, () -> FineTune.run(run(1, 2, 1e-2, 0.0, 1), other, s[1], tmp.resolve("o1"), false, false));
    assertTrue(e.getMessage().contains("tokenized for another model") && e.getMessage().contains("from " + s[0])
        && e.getMessage().contains(other + "'s own plus <|eot|>"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("o1/step-1")), "nothing was trained");
    var r = FineTune.run(run(1, 2, 1e-2, 0.0, 1).with("threads", 1), s[0], s[1], tmp.resolve("o2"), false, false);
    assertEquals(1, r.stepsDone(), "the model the data was tokenized for trains");
  }

  @Test
  void theMicroBatchSizeDoesNotChangeTheWeightsWithDropoutOn(@TempDir Path tmp) throws Exception {
    List<String> eight = new ArrayList<>(List.of(CONVERSATIONS));
    eight.addAll(List.of(CONVERSATIONS));
    Path[] s = tinySetup(tmp, eight.toArray(String[]::new));
    List<List<float[]>> weights = new ArrayList<>();
    for (int micro : new int[] {1, 3, 8}) {
      TrainConfig c = run(2, 8, 3e-2, 0.3, 0).with("micro-batch", micro);
      train(c, s[0], s[1], tmp.resolve("o" + micro), false);
      try (NDManager mgr = NDManager.newBaseManager(); TrainableModel m = LlamaTrainable.load(tmp.resolve("o" + micro + "/final"), mgr, Device.cpu(), c, 0)) {
        List<float[]> w = new ArrayList<>();
        for (NDArray a : m.parameters().values()) w.add(a.toFloatArray());
        weights.add(w);
      }
    }
    double worst = 0;
    for (int k = 1; k < weights.size(); k++)
      for (int i = 0; i < weights.get(0).size(); i++) {
        float[] a = weights.get(0).get(i), b = weights.get(k).get(i);
        for (int j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j] - b[j]));
      }
    // float rounding of padded, batched kernels only (before masks were keyed by example: 1e-2 apart)
    assertTrue(worst < 1e-5, "micro-batch 1, 3 and 8 differ by up to " + worst);
    // and dropout is on: a run without it ends elsewhere
    train(run(2, 8, 3e-2, 0.0, 0).with("micro-batch", 8), s[0], s[1], tmp.resolve("off"), false);
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("off/final/model.safetensors")),
        Files.readAllBytes(tmp.resolve("o8/final/model.safetensors"))));
  }

  @Test
  void aResumedLlamaRunEndsWithTheSameBytes(@TempDir Path tmp) throws Exception {
    Path[] s = tinySetup(tmp, CONVERSATIONS);
    // 4 examples, batch 3: 2 steps per epoch; 3 epochs; dropout on, so the RNG must resume too
    train(run(3, 3, 1e-2, 0.3, 0), s[0], s[1], tmp.resolve("a"), false);
    var part = train(run(3, 3, 1e-2, 0.3, 3), s[0], s[1], tmp.resolve("b"), false);
    assertEquals(3, part.stepsDone());
    assertTrue(Files.isDirectory(tmp.resolve("b/step-3")), "stopped mid-epoch 2 with a step checkpoint");
    var rest = train(run(3, 3, 1e-2, 0.3, 0), s[0], s[1], tmp.resolve("b"), true);
    assertTrue(rest.finished());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("a/final/model.safetensors")), Files.readAllBytes(tmp.resolve("b/final/model.safetensors")));
    assertArrayEquals(Files.readAllBytes(tmp.resolve("a/final/optimizer.bin")), Files.readAllBytes(tmp.resolve("b/final/optimizer.bin")));
  }
}
