import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import lima.core.RunDir;
import lima.train.data.TokenizedDataset;
import lima.train.data.TokenizedExample;
import lima.train.fit.LlamaTrainable;
import lima.train.fit.Metrics;
import lima.train.fit.TrainConfig;
import lima.train.fit.Trainer;
import lima.train.model.LlamaConfig;
import lima.train.model.LlamaModel;

/**
 * Training throughput for bench/train.bench.sh (a source-file program run against cli/target/lima.jar,
 * so it is not part of the product): lima's own Trainer on a randomly initialised LLaMA and random token
 * ids with every target trained, one micro-batch of BATCH sequences per optimizer step, dropout off.
 * Prints tokens_per_s=... over the measured steps (after the warm-up steps), from the per-step
 * figures of metrics.jsonl, so checkpoint writing is not counted.
 *
 * <p>Arguments: hidden layers heads intermediate vocab seq batch steps warmup threads (threads is only
 * printed: the script passes it to the engine).
 */
public final class TrainBench {
  public static void main(String[] a) throws Exception {
    int hidden = Integer.parseInt(a[0]), layers = Integer.parseInt(a[1]), heads = Integer.parseInt(a[2]);
    int inter = Integer.parseInt(a[3]), vocab = Integer.parseInt(a[4]), seq = Integer.parseInt(a[5]);
    int batch = Integer.parseInt(a[6]), steps = Integer.parseInt(a[7]), warmup = Integer.parseInt(a[8]), threads = Integer.parseInt(a[9]);
    // seq input tokens need seq + 1 ids (the last one is only a target)
    LlamaConfig c = new LlamaConfig(hidden, layers, heads, heads, inter, 1e-5, 10000.0, false, 1, List.of(2), seq + 1, vocab, hidden / heads, "float32");
    Path work = Files.createTempDirectory("lima-trainbench");
    Path data = work.resolve("data"), model = Files.createDirectories(work.resolve("model"));
    SplittableRandom r = new SplittableRandom(1);
    try (var w = new TokenizedDataset.Writer(data)) {
      for (int i = 0; i < batch * (warmup + steps); i++) {
        int[] ids = new int[seq + 1];
        boolean[] m = new boolean[seq + 1];
        for (int k = 0; k <= seq; k++) {
          ids[k] = r.nextInt(vocab);
          m[k] = k > 0;
        }
        w.add(new TokenizedExample("b" + i, "bench", ids, m, seq + 1));
      }
      w.commit();
    }
    TrainConfig cfg = TrainConfig.of("epochs", 2, "batch", batch, "micro-batch", batch, "lr", 1e-4, "final-lr", 1e-4,
        "dropout-top", 0.0, "max-len", seq + 1, "stop-after", warmup + steps);
    Trainer.ModelLoader random = (dir, mgr, dev, conf, minVocab) -> {
      LlamaModel lm = LlamaModel.random(c, mgr, 1);
      lm.setResidualDropout(new float[layers]);
      return new LlamaTrainable(lm);
    };
    System.out.printf(Locale.ROOT, "java: %,d parameters, seq %d, batch %d, threads %d%n", c.parameterCount(), seq, batch, threads);
    Trainer.Result res;
    try (RunDir run = RunDir.open(new RunDir.Options(work.resolve("out"), false, 1, -1))) {
      res = new Trainer(cfg, random).run(model, data, run, false);
    }
    double secs = 0, tokens = 0;
    List<Metrics.Metric> measured = res.metrics().subList(warmup, warmup + steps);
    for (Metrics.Metric m : measured) {
      double t = (double) batch * seq;
      tokens += t;
      secs += t / m.tokensPerS();
    }
    System.out.printf(Locale.ROOT, "java: last loss %.4f%n", res.lastLoss());
    System.out.printf(Locale.ROOT, "tokens_per_s=%.1f%n", tokens / secs);
    try (var s = Files.walk(work)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
