package lima.train.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The panel hand-out of the CPU decoder's products: every item exactly once, whatever the threads do. */
class RangesTest {
  @Test
  void oneThreadTakesItsItemsInOrder() {
    Ranges r = new Ranges(1);
    r.reset(5);
    List<Integer> got = new ArrayList<>();
    for (int g = r.next(0); g >= 0; g = r.next(0)) got.add(g);
    assertEquals(List.of(0, 1, 2, 3, 4), got);
  }

  @Test
  void aThreadAloneTakesItsOwnRangeFromTheFrontThenTheOthersFromTheBack() {
    Ranges r = new Ranges(2);
    r.reset(6); // thread 0: 0..2, thread 1: 3..5
    List<Integer> got = new ArrayList<>();
    for (int g = r.next(0); g >= 0; g = r.next(0)) got.add(g);
    assertEquals(List.of(0, 1, 2, 5, 4, 3), got);
    assertEquals(-1, r.next(1), "nothing is left for thread 1");
  }

  @Test
  void concurrentThreadsTakeEveryItemExactlyOnce() throws Exception {
    for (int threads : new int[] {2, 3, 7}) {
      for (int n : new int[] {0, 1, 5, 64, 10_000}) {
        for (int round = 0; round < 20; round++) {
          Ranges r = new Ranges(threads);
          r.reset(n);
          ConcurrentLinkedQueue<Integer> taken = new ConcurrentLinkedQueue<>();
          CountDownLatch start = new CountDownLatch(1);
          List<Thread> team = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
              try {
                start.await();
              } catch (InterruptedException e) {
                return;
              }
              for (int g = r.next(id); g >= 0; g = r.next(id)) taken.add(g);
            });
            th.start();
            team.add(th);
          }
          start.countDown();
          for (Thread th : team) th.join();
          int[] count = new int[n];
          for (int g : taken) count[g]++;
          for (int g = 0; g < n; g++) assertEquals(1, count[g], threads + " threads, " + n + " items: item " + g);
          assertEquals(n, taken.size());
        }
      }
    }
  }
}
