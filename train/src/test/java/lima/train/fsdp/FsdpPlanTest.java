package lima.train.fsdp;

import static org.junit.jupiter.api.Assertions.*;

import lima.train.fit.MemoryPlan;
import org.junit.jupiter.api.Test;

/** The fsdp plan for the paper's sizes (the figures docs/train.md quotes). */
class FsdpPlanTest {
  static FsdpPlan plan(String size) {
    return new FsdpPlan(MemoryPlan.Shape.preset(size), 1, 2048, true, 80L << 30, 8, FsdpPlan.LIMA_TOKENS, FsdpPlan.LIMA_EXAMPLES, 15, 312e12, 0.4);
  }

  @Test
  void lima65bNeedsTwoNodesOrOneWithOffload() {
    FsdpPlan p = plan("65b");
    assertEquals(16 * 65_285_660_672L, p.stateBytes());
    int ac = p.gpus(true);
    // 1,045 GB of state over GPUs that keep ~60 GB free beside two gathered layers and the activations
    assertTrue(ac >= 14 && ac <= 20, "GPUs with activation checkpointing: " + ac);
    assertEquals((ac + 7) / 8, p.nodes(ac));
    // without checkpointing, 80 layers of bf16 activations of 2,048 tokens (~64 GB) leave no room on an 80 GB GPU
    assertEquals(-1, p.gpus(false));
    assertTrue(p.offloadFits(true));
    assertTrue(p.hostBytesPerNode(1, true) > 16 * 65_285_660_672L, "offload keeps the whole state in the node's memory");
    assertTrue(p.perGpuBytes(ac, false, true) <= p.usableGpuBytes());
    assertTrue(p.perGpuBytes(ac - 1, false, true) > p.usableGpuBytes(), "the fewest GPUs");
    assertEquals(14 * 65_285_660_672L, p.checkpointBytes());
    double h = p.hours(16);
    assertTrue(h > 0.2 && h < 5, "hours " + h);
    System.out.println(p.report());
  }

  @Test
  void sevenBFitsOneNode() {
    FsdpPlan p = plan("7b");
    assertTrue(p.gpus(true) <= 8, "7b: " + p.gpus(true));
    assertTrue(p.report().contains("1 node(s)"), p.report());
  }

  @Test
  void moreGpusMeanFewerHours() {
    FsdpPlan p = plan("13b");
    assertEquals(p.hours(8) / 2, p.hours(16), 1e-9);
    assertEquals(p.runFlops(), plan("13b").runFlops());
  }
}
