package lima.train.fit;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import lima.train.data.TokenizedExample;
import lima.train.model.LlamaConfig;
import lima.train.model.LlamaModel;
import lima.train.optim.AdamW;

/**
 * Training throughput for {@code bench/train.bench.sh}: a randomly initialised LLaMA, random token
 * ids, every target trained, the same step as {@link Trainer} (zero gradients, forward and backward
 * per micro-batch, global gradient norm, AdamW). Prints {@code tokens_per_s=...} for the measured
 * steps (after warm-up steps).
 *
 * <p>Arguments: hidden layers heads intermediate vocab seq batch steps warmup threads.
 */
public final class TrainBench {
  private TrainBench() {}

  public static void main(String[] a) throws Exception {
    int hidden = Integer.parseInt(a[0]), layers = Integer.parseInt(a[1]), heads = Integer.parseInt(a[2]);
    int inter = Integer.parseInt(a[3]), vocab = Integer.parseInt(a[4]), seq = Integer.parseInt(a[5]);
    int batch = Integer.parseInt(a[6]), steps = Integer.parseInt(a[7]), warmup = Integer.parseInt(a[8]), threads = Integer.parseInt(a[9]);
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    LlamaConfig c = new LlamaConfig(hidden, layers, heads, heads, inter, 1e-5, 10000.0, false, 1, List.of(2), seq, vocab, hidden / heads, "float32");
    SplittableRandom r = new SplittableRandom(1);
    List<TokenizedExample> data = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      int[] ids = new int[seq + 1];
      boolean[] m = new boolean[seq + 1];
      for (int k = 0; k <= seq; k++) {
        ids[k] = r.nextInt(vocab);
        m[k] = k > 0;
      }
      data.add(new TokenizedExample("b" + i, "bench", ids, m, seq + 1));
    }
    long trained = (long) batch * seq;
    try (NDManager mgr = NDManager.newBaseManager(Device.cpu()); LlamaModel model = LlamaModel.random(c, mgr, 1)) {
      model.setResidualDropout(new float[layers]);
      LlamaTrainable m = new LlamaTrainable(model);
      List<AdamW.Param> params = new ArrayList<>();
      m.parameters().forEach((n, w) -> {
        w.setRequiresGradient(true);
        params.add(AdamW.Param.of(n, w));
      });
      System.out.printf(Locale.ROOT, "java: %,d parameters, seq %d, batch %d, threads %d%n", c.parameterCount(), seq, batch, threads);
      try (AdamW opt = new AdamW(mgr, params, AdamW.Settings.LIMA)) {
        long t0 = 0;
        double loss = 0;
        for (int s = 0; s < warmup + steps; s++) {
          if (s == warmup) t0 = System.nanoTime();
          try (NDManager stepMgr = mgr.newSubManager()) {
            Trainer.zeroGradients(params, stepMgr);
            loss = Trainer.accumulate(m, stepMgr, Device.cpu(), data, batch, 1, s + 1, 0, trained)[0];
            Trainer.gradientNorm(params, stepMgr);
            opt.update(1e-4);
          }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "java: last loss %.4f%n", loss);
        System.out.printf(Locale.ROOT, "tokens_per_s=%.1f%n", steps * (double) batch * seq / secs);
      }
    }
  }

}
