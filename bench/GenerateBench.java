// Benchmark helper for bench/generate.bench.sh (a single-file Java program run with lima.jar on the class path
// and --add-modules jdk.incubator.vector; not part of the product).
//   init DIR DIM LAYERS HEADS FFN VOCAB SEED   a random LLaMA (tied embeddings) with the character tokenizer
//   prompts DIR LIMA_JSONL N OUT               N prompts of LIMA-like lengths as token ids (one JSON array a line)
//   single DIR TOKENS                          batch-1 greedy tokens/s (threads: -Dlima.threads)
//   batch DIR IDS BATCH MAXNEW                 continuous batching over the prompt ids: tokens/s, prompts/min, answers' hash
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generation;
import lima.train.generate.Generator;
import lima.train.generate.TokenListener;
import lima.train.model.LlamaConfig;
import lima.train.model.TinyModel;

public class GenerateBench {
  // Greedy, no repetition penalty, no stop: every prompt generates exactly MAXNEW tokens (EOS aside), as
  // HF's generate with the same settings.
  static final GenerateOptions GREEDY = GenerateOptions.DEFAULTS.withTemperature(0).withRepetitionPenalty(1f).withRaw(true);

  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "init" -> {
        int dim = Integer.parseInt(a[2]), layers = Integer.parseInt(a[3]), heads = Integer.parseInt(a[4]), ffn = Integer.parseInt(a[5]), vocab = Integer.parseInt(a[6]);
        LlamaConfig c = new LlamaConfig(dim, layers, heads, heads, ffn, 1e-5, 10000.0, true, 1, List.of(2), 2048, vocab, dim / heads, "float32");
        TinyModel.write(Path.of(a[1]), c, Long.parseLong(a[7]));
        System.out.printf(Locale.ROOT, "random model: dim %d, %d layers, %d heads, ffn %d, vocab %,d, tied: %.1f M parameters -> %s%n", dim, layers, heads, ffn, vocab, c.parameterCount() / 1e6, a[1]);
      }
      case "prompts" -> prompts(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]), Path.of(a[4]));
      case "single" -> single(Path.of(a[1]), Integer.parseInt(a[2]));
      case "batch" -> batch(Path.of(a[1]), Path.of(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
      default -> throw new IllegalArgumentException("unknown mode " + a[0]);
    }
  }

  /**
   * Prompt token ids whose lengths follow the LIMA training prompts (the first N of the released file when it
   * is there, tokenized by the model's tokenizer and capped at 512 tokens); else lengths 20..400 spread evenly.
   * The ids are random ordinary tokens of the model's vocabulary (a random model reads them all the same).
   */
  static void prompts(Path dir, Path lima, int n, Path out) throws Exception {
    int[] lengths = new int[n];
    if (Files.isRegularFile(lima)) {
      List<String> lines = Files.readAllLines(lima, StandardCharsets.UTF_8);
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      for (int i = 0; i < n; i++) {
        String p = mapper.readTree(lines.get(i % lines.size())).path("conversations").path(0).asText();
        lengths[i] = Math.max(8, Math.min(512, 2 + p.length() / 4)); // about 4 characters a LLaMA token, plus BOS and EOT
      }
      System.out.println("prompt lengths: the first " + n + " LIMA training prompts (" + lima + ") at 4 characters a token, 8..512 tokens");
    } else {
      for (int i = 0; i < n; i++) lengths[i] = 20 + (int) ((long) i * 380 / Math.max(1, n - 1));
      System.out.println("prompt lengths: 20..400 tokens spread evenly (" + lima + " is absent)");
    }
    LlamaConfig c = LlamaConfig.read(dir);
    SplittableRandom rng = new SplittableRandom(7);
    StringBuilder sb = new StringBuilder();
    long total = 0;
    for (int i = 0; i < n; i++) {
      sb.append("[1");
      for (int t = 1; t < lengths[i]; t++) sb.append(',').append(4 + rng.nextInt(c.vocabSize() - 4));
      sb.append("]\n");
      total += lengths[i];
    }
    Files.writeString(out, sb);
    System.out.printf(Locale.ROOT, "%d prompts, %.1f tokens on average -> %s%n", n, (double) total / n, out);
  }

  static void single(Path dir, int tokens) throws Exception {
    try (Generator g = Generator.open(dir)) {
      int[] prompt = {1, 3, 4, 5, 6};
      GenerateOptions o = GREEDY.withMaxNewTokens(tokens);
      g.generate(prompt, o.withMaxNewTokens(Math.min(tokens, 32)), new SplittableRandom(1), TokenListener.NONE); // warm-up (JIT)
      double best = 0, cpuBest = Double.MAX_VALUE;
      var mx = java.lang.management.ManagementFactory.getThreadMXBean();
      for (int r = 0; r < 3; r++) {
        long c0 = mx.getCurrentThreadCpuTime();
        Generation out = g.generate(prompt, o, new SplittableRandom(1), TokenListener.NONE);
        cpuBest = Math.min(cpuBest, (mx.getCurrentThreadCpuTime() - c0) / 1e6 / out.completionTokens());
        best = Math.max(best, out.tokensPerSecond());
      }
      System.out.printf(Locale.ROOT, "single: %d tokens, %s thread(s), best of 3: %.1f tokens/s (%.2f ms/token; the calling thread's CPU time %.2f ms/token)%n",
          tokens, System.getProperty("lima.threads", "default"), best, 1000 / best, cpuBest);
    }
  }

  static void batch(Path dir, Path ids, int batch, int maxNew) throws Exception {
    String rep = System.getenv().getOrDefault("GENERATE_BENCH_REPEAT", "3");
    if (!rep.matches("[1-9][0-9]*")) {
      System.err.println("generate.bench: GENERATE_BENCH_REPEAT must be a whole number of runs, at least 1; got '" + rep + "'");
      System.exit(2);
    }
    int repeat = Integer.parseInt(rep);
    List<int[]> prompts = new ArrayList<>();
    for (String l : Files.readAllLines(ids)) {
      String[] p = l.replace("[", "").replace("]", "").split(",");
      int[] x = new int[p.length];
      for (int i = 0; i < p.length; i++) x[i] = Integer.parseInt(p[i].strip());
      prompts.add(x);
    }
    try (Generator g = Generator.open(dir)) {
      List<Generator.Job> warm = new ArrayList<>();
      for (int i = 0; i < Math.min(batch, prompts.size()); i++) warm.add(new Generator.Job(prompts.get(i), GREEDY.withMaxNewTokens(8), new SplittableRandom(i), TokenListener.NONE));
      g.generateAll(warm, batch, (r, i) -> {});
      List<Generator.Job> jobs = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) jobs.add(new Generator.Job(prompts.get(i), GREEDY.withMaxNewTokens(maxNew), new SplittableRandom(i), TokenListener.NONE));
      // Best of `repeat` runs (the quickest), as for batch 1: a shared machine's other work only ever slows a run.
      var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      double secs = Double.MAX_VALUE, cpu = 0;
      List<String> runs = new ArrayList<>();
      String hash = null;
      long tokens = 0;
      for (int run = 0; run < repeat; run++) {
        Generation[] res = new Generation[jobs.size()];
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        g.generateAll(jobs, batch, (r, i) -> res[i] = r);
        double s = (System.nanoTime() - t0) / 1e9;
        double c = (os.getProcessCpuTime() - c0) / 1e9;
        runs.add(String.format(Locale.ROOT, "%.1f", s));
        tokens = 0;
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (Generation r : res) {
          tokens += r.completionTokens();
          for (int id : r.completionIds()) md.update(Integer.toString(id).getBytes(StandardCharsets.US_ASCII));
          md.update((byte) '\n');
        }
        String h = HexFormat.of().formatHex(md.digest()).substring(0, 12);
        if (hash != null && !hash.equals(h)) throw new IllegalStateException("run " + (run + 1) + " answered differently: " + h + " vs " + hash);
        hash = h;
        if (s < secs) {
          secs = s;
          cpu = c;
        }
      }
      System.out.printf(Locale.ROOT, "batch %2d: %d prompts, %d new tokens in %.1f s: %.1f tokens/s, %.1f prompts/min, answers sha256 %s (best of %d: %s s; process CPU time %.1f s: %.1f ms a token)%n",
          batch, jobs.size(), tokens, secs, tokens / secs, jobs.size() * 60 / secs, hash, repeat, String.join(", ", runs), cpu, cpu * 1000 / tokens);
    }
  }
}
