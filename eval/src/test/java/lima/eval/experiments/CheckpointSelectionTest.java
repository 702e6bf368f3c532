package lima.eval.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import lima.core.UserException;
import lima.eval.Bootstrap.Interval;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The selection rule: best judged score, ties to the earlier epoch, unscored checkpoints never chosen. */
class CheckpointSelectionTest {
  @TempDir Path tmp;

  static CheckpointSelection.Candidate c(int epoch, double score) {
    return new CheckpointSelection.Candidate(epoch, "epoch-" + epoch, 50, new Interval(score, score - 0.3, score + 0.3));
  }

  @Test
  void picksTheBestJudgedCheckpoint() {
    assertEquals(8, CheckpointSelection.best(List.of(c(5, 3.1), c(6, 3.4), c(7, 3.9), c(8, 4.2), c(9, 4.0), c(10, 3.8))).epoch());
  }

  @Test
  void aTieGoesToTheEarlierEpochWhateverTheOrderGiven() {
    List<CheckpointSelection.Candidate> l = new ArrayList<>(List.of(c(5, 3.0), c(6, 4.5), c(7, 4.2), c(8, 4.5), c(9, 4.5)));
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(l, new java.util.Random(r.nextLong()));
      assertEquals(6, CheckpointSelection.best(l).epoch(), "order " + l);
    }
  }

  @Test
  void scoresEqualUpToRoundingAreATie() {
    // (4 + 5 + 4) / 3 computed two ways differs in the last bit; both are 13/3.
    double a = (4.0 + 5.0 + 4.0) / 3, b = 4.0 / 3 + 5.0 / 3 + 4.0 / 3;
    assertEquals(7, CheckpointSelection.best(List.of(c(9, a), c(7, b))).epoch());
    assertEquals(9, CheckpointSelection.best(List.of(c(9, a + 1e-6), c(7, b))).epoch(), "a real difference still counts");
  }

  @Test
  void unscoredCheckpointsAreSkippedAndNoScoreAtAllIsAnError() {
    var none = new CheckpointSelection.Candidate(5, "epoch-5", 0, null);
    assertEquals(6, CheckpointSelection.best(List.of(none, c(6, 1.0))).epoch());
    var e = assertThrows(UserException.class, () -> CheckpointSelection.best(List.of(none)));
    assertTrue(e.getMessage().contains("no checkpoint has a judged score"), e.getMessage());
  }

  @Test
  void linkPointsAtTheCheckpointAndIsReplacedOnReselection() throws Exception {
    for (String k : List.of("epoch-5", "epoch-6")) {
      Files.createDirectories(tmp.resolve(k));
      Files.writeString(tmp.resolve(k).resolve("config.json"), "{\"k\":\"" + k + "\"}");
    }
    String how = CheckpointSelection.link(tmp, "epoch-5");
    assertEquals("symlink", how); // Linux temp folders have symbolic links
    assertTrue(Files.isSymbolicLink(tmp.resolve("selected")));
    assertEquals(Path.of("epoch-5"), Files.readSymbolicLink(tmp.resolve("selected")), "relative, so the run folder can move");
    CheckpointSelection.link(tmp, "epoch-6");
    assertTrue(Files.readString(tmp.resolve("selected/config.json")).contains("epoch-6"));
    assertTrue(Files.isDirectory(tmp.resolve("epoch-5"), LinkOption.NOFOLLOW_LINKS), "the old target is untouched");
    assertThrows(UserException.class, () -> CheckpointSelection.link(tmp, "epoch-9"));
  }
}
