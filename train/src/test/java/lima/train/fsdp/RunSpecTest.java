package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import lima.train.fit.StepSchedule;
import org.junit.jupiter.api.Test;

/** The schedule the worker follows is StepSchedule's, the micro-batches dealt to the ranks in turn. */
class RunSpecTest {
  @Test
  @SuppressWarnings("unchecked")
  void microBatchesGoRoundRobin() {
    int[] trained = {3, 0, 5, 7, 1, 2, 9};
    StepSchedule s = new StepSchedule(2, 5, 2, 42, 1e-3, 1e-4, trained);
    for (StepSchedule.Step st : s.from(1)) {
      Map<String, Object> one = RunSpec.step(st, 42, 1), two = RunSpec.step(st, 42, 2);
      assertEquals(st.lr(), (double) two.get("lr"));
      assertEquals(st.trainedTokens(), (long) two.get("trained_tokens"));
      List<Map<String, Object>> m1 = (List<Map<String, Object>>) one.get("micro_batches"), m2 = (List<Map<String, Object>>) two.get("micro_batches");
      assertEquals(st.microBatches().size(), m2.size());
      for (int k = 0; k < m2.size(); k++) {
        assertEquals(k % 2, m2.get(k).get("rank"));
        assertEquals(0, m1.get(k).get("rank"));
        assertEquals(m1.get(k).get("ids"), m2.get(k).get("ids"));
        assertEquals(java.util.Arrays.stream(st.microBatches().get(k)).boxed().toList(), m2.get(k).get("ids"));
      }
    }
    // 7 examples, batch 5: steps of 5 and 2 examples, the last with one micro-batch for rank 0 only
    List<Map<String, Object>> last = (List<Map<String, Object>>) RunSpec.step(s.step(2), 42, 2).get("micro_batches");
    assertEquals(1, last.size());
  }
}
