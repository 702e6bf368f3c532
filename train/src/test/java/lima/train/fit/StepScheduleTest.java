package lima.train.fit;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepScheduleTest {
  static final int[] TRAINED = {5, 0, 7, 1, 3, 2, 8, 4, 6, 9};

  @Test
  void everyEpochVisitsEveryExampleOnceInBatchesAndMicroBatches() {
    // 10 examples, batch 4: steps of 4, 4, 2 per epoch; micro-batch 3 cuts 4 into 3 + 1
    StepSchedule s = new StepSchedule(2, 4, 3, 7, 1e-3, 1e-4, TRAINED);
    assertEquals(3, s.stepsPerEpoch());
    assertEquals(6, s.totalSteps());
    List<StepSchedule.Step> steps = new ArrayList<>();
    s.from(1).forEach(steps::add);
    assertEquals(6, steps.size());
    for (int e = 0; e < 2; e++) {
      int[] seen = new int[0];
      for (int k = 0; k < 3; k++) {
        StepSchedule.Step st = steps.get(e * 3 + k);
        assertEquals(e, st.epoch());
        assertEquals(e * 3 + k + 1, st.step());
        assertEquals(k < 2 ? 4 : 2, st.examples().length);
        assertArrayEquals(st.examples(), st.microBatches().stream().flatMapToInt(Arrays::stream).toArray());
        assertEquals(k < 2 ? List.of(3, 1) : List.of(2), st.microBatches().stream().map(a -> a.length).toList());
        assertEquals(Arrays.stream(st.examples()).mapToLong(i -> TRAINED[i]).sum(), st.trainedTokens());
        int[] all = Arrays.copyOf(seen, seen.length + st.examples().length);
        System.arraycopy(st.examples(), 0, all, seen.length, st.examples().length);
        seen = all;
      }
      assertArrayEquals(StepSchedule.order(10, 7, e), seen);
      Arrays.sort(seen);
      assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, seen);
    }
    assertFalse(Arrays.equals(StepSchedule.order(10, 7, 0), StepSchedule.order(10, 7, 1)), "each epoch is shuffled anew");
  }

  @Test
  void theLearningRateFallsLinearlyWithoutWarmup() {
    StepSchedule s = new StepSchedule(2, 4, 4, 7, 1e-3, 1e-4, TRAINED);
    assertEquals(1e-3, s.step(1).lr(), 1e-15);
    assertEquals(1e-4, s.step(6).lr(), 1e-15);
    assertEquals(1e-3 - 3 * (9e-4 / 5), s.step(4).lr(), 1e-15);
  }

  @Test
  void aStepIsTheSameWhereverTheRunStarts() {
    StepSchedule s = new StepSchedule(3, 4, 2, 11, 1e-3, 1e-4, TRAINED);
    for (long from = 1; from <= s.totalSteps(); from++) {
      var it = s.from(from).iterator();
      for (long k = from; k <= s.totalSteps(); k++) {
        StepSchedule.Step a = it.next(), b = s.step(k);
        assertArrayEquals(b.examples(), a.examples());
        assertEquals(b.toJson().toString(), a.toJson().toString());
      }
      assertFalse(it.hasNext());
    }
    assertEquals("{step=5, epoch=1, lr=" + s.step(5).lr() + ", trained_tokens=" + s.step(5).trainedTokens() + ", micro_batches=", s.step(5).toJson().toString().replaceAll("\\[\\[.*", ""));
  }
}
