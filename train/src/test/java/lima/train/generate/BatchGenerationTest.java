package lima.train.generate;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lima.train.model.LlamaConfig;
import lima.train.model.LlamaModel;
import lima.train.tokenizer.FakeTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batched generation (continuous batching, and the server's shared loop) gives every prompt its answer alone. */
class BatchGenerationTest {
  static NDManager manager;
  static LlamaModel model;
  static Generator g;

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
    model = LlamaModel.random(new LlamaConfig(32, 2, 4, 2, 44, 1e-5, 10000.0, false, 1, List.of(2), 128, 99, 8, "float32"), manager, 21);
    g = new Generator(model, FakeTokenizer.stoppingAt(98, -1)); // stop ids nobody samples: lengths come from the options
  }

  @AfterAll
  static void stop() {
    g.close();
    model.close();
    manager.close();
  }

  /** Mixed prompt lengths and lengths of answer, sampling on (temperature, top-p, repetition penalty), a stop string. */
  static List<Generator.Job> jobs() {
    String[] prompts = {"a", "hello there, how are you today?", "xyz", "the quick brown fox jumps over the lazy dog", "q", "0123456789", "mid length prompt", "k"};
    List<Generator.Job> jobs = new ArrayList<>();
    for (int i = 0; i < prompts.length; i++) {
      GenerateOptions o = GenerateOptions.DEFAULTS.withMaxNewTokens(5 + 7 * (i % 4)).withTemperature(1.3f).withTopP(i % 2 == 0 ? 0.9f : 1f);
      if (i == 5) o = o.withStop(List.of("e"));
      jobs.add(new Generator.Job(g.promptIds(prompts[i], i % 3 == 0), o, new SplittableRandom(100 + i), TokenListener.NONE));
    }
    return jobs;
  }

  static Generation alone(Generator.Job j, int i) {
    return g.generate(j.promptIds(), j.options(), new SplittableRandom(100 + i), TokenListener.NONE);
  }

  static void assertSame(Generation want, Generation got, String what) {
    assertArrayEquals(want.completionIds(), got.completionIds(), what);
    assertEquals(want.text(), got.text(), what);
    assertEquals(want.finishReason(), got.finishReason(), what);
  }

  @Test
  void everyBatchSizeGivesEachPromptItsAnswerAlone() {
    List<Generator.Job> jobs = jobs();
    Generation[] want = new Generation[jobs.size()];
    for (int i = 0; i < want.length; i++) want[i] = alone(jobs.get(i), i);
    boolean differ = false;
    for (int i = 1; i < want.length; i++) differ |= want[i].completionTokens() != want[0].completionTokens();
    assertTrue(differ, "answers of different lengths, so slots are refilled mid-run");
    for (int batch : new int[] {1, 3, 8, 20}) {
      Generation[] got = new Generation[jobs.size()];
      List<Integer> order = new ArrayList<>();
      g.generateAll(jobs(), batch, (r, i) -> {
        assertNull(got[i], "answered once");
        got[i] = r;
        order.add(i);
      });
      for (int i = 0; i < want.length; i++) assertSame(want[i], got[i], "batch " + batch + ", prompt " + i);
      assertEquals(jobs.size(), order.size());
    }
  }

  @Test
  void concurrentCallersShareOneLoopAndGetTheirAnswersAlone() throws Exception {
    List<Generator.Job> jobs = jobs();
    Generation[] want = new Generation[jobs.size()];
    for (int i = 0; i < want.length; i++) want[i] = alone(jobs.get(i), i);
    ExecutorService pool = Executors.newFixedThreadPool(jobs.size());
    try (BatchingGenerator b = new BatchingGenerator(g, 3)) {
      List<Future<String[]>> streamed = new ArrayList<>();
      List<Future<Generation>> results = new ArrayList<>();
      for (int i = 0; i < jobs.size(); i++) {
        Generator.Job j = jobs.get(i);
        int seed = 100 + i;
        StringBuilder sb = new StringBuilder();
        Future<Generation> f = pool.submit(() -> b.generate(j.promptIds(), j.options(), new SplittableRandom(seed), (id, d) -> {
          sb.append(d);
          return true;
        }));
        results.add(f);
        streamed.add(pool.submit(() -> new String[] {f.get().text(), sb.toString()}));
      }
      for (int i = 0; i < jobs.size(); i++) {
        assertSame(want[i], results.get(i).get(), "request " + i);
        String[] s = streamed.get(i).get();
        assertEquals(s[0], s[1], "the deltas add up to the text");
      }
      // A listener that says stop ends its request (cancelled), at most BACKLOG tokens later, while the loop
      // goes on serving others. A seed whose answer alone runs to the length limit, so only the cancel ends it.
      GenerateOptions longer = jobs.get(2).options().withMaxNewTokens(60);
      int seed = 1;
      while (g.generate(jobs.get(2).promptIds(), longer, new SplittableRandom(seed), TokenListener.NONE).finishReason() != FinishReason.LENGTH) seed++;
      int[] calls = {0};
      Generation cancelled = b.generate(jobs.get(2).promptIds(), longer, new SplittableRandom(seed), (id, d) -> ++calls[0] < 2);
      assertEquals(FinishReason.CANCELLED, cancelled.finishReason());
      assertTrue(cancelled.completionTokens() <= 2 + BatchingGenerator.BACKLOG, "stopped early: " + cancelled.completionTokens());
      assertEquals(2, calls[0], "nothing streamed after the listener said stop");
      assertSame(want[0], b.generate(jobs.get(0).promptIds(), jobs.get(0).options(), new SplittableRandom(100), TokenListener.NONE), "after a cancel");
    } finally {
      pool.shutdownNow();
    }
  }
}
