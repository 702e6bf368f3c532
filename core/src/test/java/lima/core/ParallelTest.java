package lima.core;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @Test
  void resultsComeInInputOrderWhateverTheThreadCount() throws IOException {
    List<Integer> in = IntStream.range(0, 500).boxed().toList();
    List<Integer> want = in.stream().map(i -> i * i).toList();
    for (int threads : new int[] {1, 2, 7}) assertEquals(want, Parallel.map(threads, in, i -> i * i), "threads " + threads);
  }

  @Test
  void aWorkersFailureIsRethrownAsItself() {
    List<Integer> in = IntStream.range(0, 100).boxed().toList();
    IOException io = assertThrows(IOException.class, () -> Parallel.map(4, in, i -> {
      if (i == 57) throw new IOException("item 57 unreadable");
      return i;
    }));
    assertEquals("item 57 unreadable", io.getMessage());
    UserException u = assertThrows(UserException.class, () -> Parallel.map(4, in, i -> {
      if (i == 3) throw new UserException("bad item 3");
      return i;
    }));
    assertEquals("bad item 3", u.getMessage());
  }
}
