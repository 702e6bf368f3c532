package lima.train.generate;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import lima.train.model.LlamaConfig;
import lima.train.model.LlamaModel;
import lima.train.tokenizer.FakeTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  static NDManager manager;
  static LlamaModel model;

  static LlamaConfig config(int maxPos) {
    return new LlamaConfig(32, 2, 4, 2, 44, 1e-5, 10000.0, false, 1, List.of(2), maxPos, 99, 8, "float32");
  }

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
    model = LlamaModel.random(config(128), manager, 21);
  }

  @AfterAll
  static void stop() {
    model.close();
    manager.close();
  }

  static final GenerateOptions GREEDY = GenerateOptions.DEFAULTS.withTemperature(0).withRepetitionPenalty(1f).withMaxNewTokens(20);

  @Test
  void greedyMatchesAnUncachedArgmaxLoop() {
    Generator g = new Generator(model, new FakeTokenizer(true));
    int[] prompt = g.promptIds("hi", false);
    assertArrayEquals(new int[] {1, 'h' - 32 + 4, 'i' - 32 + 4, 3}, prompt);
    Generation out = g.generate("hi", GREEDY, TokenListener.NONE);
    // Reference: whole-sequence forward each step, no cache.
    List<Integer> seq = new ArrayList<>();
    for (int id : prompt) seq.add(id);
    List<Integer> want = new ArrayList<>();
    for (int step = 0; step < out.completionTokens(); step++) {
      long[] ids = seq.stream().mapToLong(Integer::longValue).toArray();
      NDArray logits = model.forward(manager.create(ids, new Shape(1, ids.length)), null, false, true);
      int next = GreedySampler.argmax(logits.toFloatArray());
      logits.close();
      want.add(next);
      seq.add(next);
      if (next == 2 || next == 3) break;
    }
    assertEquals(want, Arrays.stream(out.completionIds()).boxed().toList());
    assertEquals(4, out.promptTokens());
  }

  @Test
  void generationLeavesNoArraysInTheModelsManager() {
    Generator g = new Generator(model, new FakeTokenizer(true));
    g.generate("warm", GREEDY, TokenListener.NONE);
    int before = model.manager().getManagedArrays().size();
    Generation a = g.generate("abc", GREEDY, TokenListener.NONE);
    Generation b = g.generate("abcdef", GREEDY, TokenListener.NONE);
    assertTrue(a.completionTokens() + b.completionTokens() > 2, "generated something");
    assertEquals(before, model.manager().getManagedArrays().size(), "arrays left behind per generated token");
  }

  @Test
  void lengthLimitAndDeltasAddUpToTheText() {
    Generator g = new Generator(model, new FakeTokenizer(true));
    StringBuilder streamed = new StringBuilder();
    int[] calls = {0};
    Generation out = g.generate("abc", GenerateOptions.DEFAULTS.withMaxNewTokens(7).withSeed(3), (id, d) -> {
      calls[0]++;
      streamed.append(d);
      return true;
    });
    if (out.finishReason() == FinishReason.LENGTH) assertEquals(7, out.completionTokens());
    assertTrue(out.completionTokens() <= 7);
    assertEquals(out.completionTokens(), calls[0]);
    assertEquals(out.text(), streamed.toString());
  }

  @Test
  void sameSeedSameTextOtherSeedOtherText() {
    Generator g = new Generator(model, FakeTokenizer.stoppingAt(98, -1)); // stop ids nobody samples
    GenerateOptions o = GenerateOptions.DEFAULTS.withMaxNewTokens(30).withTemperature(1.5f).withTopP(1f);
    Generation a = g.generate("x", o.withSeed(1), TokenListener.NONE);
    Generation b = g.generate("x", o.withSeed(1), TokenListener.NONE);
    assertArrayEquals(a.completionIds(), b.completionIds());
    boolean differs = false;
    for (long s = 2; s < 6 && !differs; s++) differs = !Arrays.equals(a.completionIds(), g.generate("x", o.withSeed(s), TokenListener.NONE).completionIds());
    assertTrue(differs, "other seeds give other samples");
  }

  @Test
  void stopStringCutsTheTextAndNothingPastItIsStreamed() {
    Generator g = new Generator(model, FakeTokenizer.stoppingAt(98, -1));
    GenerateOptions o = GenerateOptions.DEFAULTS.withMaxNewTokens(30).withTemperature(1.5f).withTopP(1f).withSeed(4);
    Generation full = g.generate("x", o, TokenListener.NONE);
    assertTrue(full.text().length() >= 10, full.text());
    String stop = full.text().substring(6, 9);
    int at = full.text().indexOf(stop);
    StringBuilder streamed = new StringBuilder();
    Generation cut = g.generate("x", o.withStop(List.of(stop, "never-there")), (id, d) -> {
      streamed.append(d);
      return true;
    });
    assertEquals(FinishReason.STOP_STRING, cut.finishReason());
    assertEquals(full.text().substring(0, at), cut.text());
    assertEquals(cut.text(), streamed.toString());
  }

  @Test
  void stopsOnEosAndOnEotWithoutTheirText() {
    // All-zero output head: every logit is 0, so greedy always picks id 0.
    LlamaConfig c = config(64);
    try (LlamaModel m = LlamaModel.random(c, manager, 1)) {
      NDArray head = m.hfParameters().get("lm_head.weight").getArray();
      head.set(manager.zeros(head.getShape()).toFloatArray());
      Generation eos = new Generator(m, FakeTokenizer.stoppingAt(0, -1)).generate("q", GREEDY, TokenListener.NONE);
      assertEquals(FinishReason.EOS, eos.finishReason());
      assertArrayEquals(new int[] {0}, eos.completionIds());
      assertEquals("", eos.text());
      Generation eot = new Generator(m, FakeTokenizer.stoppingAt(5, 0)).generate("q", GREEDY, TokenListener.NONE);
      assertEquals(FinishReason.EOT, eot.finishReason());
      // Raw mode without EOT in the vocabulary runs to the length limit on id 0.
      Generation len = new Generator(m, FakeTokenizer.stoppingAt(5, -1)).generate("q", GREEDY.withMaxNewTokens(4).withRaw(true), TokenListener.NONE);
      assertEquals(FinishReason.LENGTH, len.finishReason());
      assertArrayEquals(new int[] {1, 'q' - 32 + 4}, len.promptIds());
    }
  }

  @Test
  void contextLimitEndsGenerationAndEmptyPromptIsBosAlone() {
    try (LlamaModel m = LlamaModel.random(config(16), manager, 2)) {
      Generator g = new Generator(m, FakeTokenizer.stoppingAt(98, -1));
      assertArrayEquals(new int[] {1}, g.promptIds("", false));
      Generation out = g.generate("", GREEDY.withMaxNewTokens(100), TokenListener.NONE);
      assertEquals(FinishReason.CONTEXT, out.finishReason());
      assertEquals(15, out.completionTokens());
      var e = assertThrows(lima.core.UserException.class, () -> g.generate("a".repeat(20), GREEDY, TokenListener.NONE));
      assertTrue(e.getMessage().contains("context holds 16"), e.getMessage());
    }
  }

  @Test
  void listenerCanCancel() {
    Generator g = new Generator(model, FakeTokenizer.stoppingAt(98, -1));
    int[] n = {0};
    Generation out = g.generate("x", GREEDY.withMaxNewTokens(50), (id, d) -> ++n[0] < 3);
    assertEquals(FinishReason.CANCELLED, out.finishReason());
    assertEquals(3, out.completionTokens());
  }

  @Test
  void repetitionPenaltyChangesGreedyOutput() {
    Generator g = new Generator(model, FakeTokenizer.stoppingAt(98, -1));
    Generation plain = g.generate("ab", GREEDY.withMaxNewTokens(40), TokenListener.NONE);
    Generation penalised = g.generate("ab", GREEDY.withMaxNewTokens(40).withRepetitionPenalty(5f), TokenListener.NONE);
    assertFalse(Arrays.equals(plain.completionIds(), penalised.completionIds()));
    // With a strong penalty a random model rarely repeats: fewer repeated ids than without.
    assertTrue(distinct(penalised.completionIds()) >= distinct(plain.completionIds()));
  }

  @Test
  void theInjectedRandomGeneratorDrivesSampling() {
    Generator g = new Generator(model, FakeTokenizer.stoppingAt(98, -1));
    GenerateOptions o = GenerateOptions.DEFAULTS.withMaxNewTokens(25).withTemperature(1.5f).withTopP(1f).withSeed(99);
    int[] ids = g.promptIds("x", false);
    // The ids-and-generator entry point ignores the options' seed: the generator alone decides.
    Generation a = g.generate(ids, o, new SplittableRandom(5), TokenListener.NONE);
    Generation b = g.generate(ids, o.withSeed(12345), new SplittableRandom(5), TokenListener.NONE);
    assertArrayEquals(a.completionIds(), b.completionIds());
    // The string entry point seeds a SplittableRandom with the options' seed.
    assertArrayEquals(g.generate(ids, o, new SplittableRandom(99), TokenListener.NONE).completionIds(), g.generate("x", o, TokenListener.NONE).completionIds());
    // A generator that always draws 0 always takes id 0 (the first in the cumulative walk), unlike seeded draws.
    Generation zero = g.generate(ids, o, new java.util.random.RandomGenerator() {
      @Override
      public long nextLong() {
        return 0L;
      }
    }, TokenListener.NONE);
    assertFalse(java.util.Arrays.equals(a.completionIds(), zero.completionIds()));
  }

  static long distinct(int[] a) {
    return Arrays.stream(a).distinct().count();
  }
}
