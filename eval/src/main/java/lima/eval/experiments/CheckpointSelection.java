package lima.eval.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.UserException;
import lima.eval.Bootstrap.Interval;

/**
 * The LIMA paper's checkpoint selection: among the epoch checkpoints of a run (5 to 10 in the paper), the
 * one whose answers to the dev prompts a judge rates best, not the one with the lowest loss.
 *
 * <p><b>Tie rule</b>: the highest score wins; scores within {@value #TIE_EPSILON} of each other are
 * equal, and among equal scores the <em>earlier</em> epoch wins (fewer passes over the data, the same
 * judged quality). Checkpoints without a score (no parseable judgment) cannot be selected.
 */
public final class CheckpointSelection {
  private CheckpointSelection() {}

  public static final String SELECTED_JSON = "selected.json";
  public static final String LINK = "selected";
  public static final double TIE_EPSILON = 1e-9;
  public static final String TIE_RULE = "highest score; scores within 1e-9 are equal and the earlier epoch wins";

  /** One checkpoint's judged score over the dev prompts ({@code n} prompts with a score). */
  public record Candidate(int epoch, String checkpoint, int n, Interval score) {}

  /**
   * What {@code selected.json} holds: the criterion ({@code likert} mean 1-6, or {@code pairwise}
   * preference against a reference, win + tie/2), the judge, every candidate and the chosen one.
   */
  public record Selection(String kind, String criterion, String judge, String tieRule, List<Candidate> candidates, Candidate selected, String selectedPath, String link) {
    public Selection {
      candidates = List.copyOf(candidates);
    }
  }

  /** The best candidate by the tie rule above; a usage error when none has a score. */
  public static Candidate best(List<Candidate> candidates) {
    Candidate best = null;
    for (Candidate c : candidates.stream().sorted(Comparator.comparingInt(Candidate::epoch)).toList()) {
      double s = c.score() == null ? Double.NaN : c.score().estimate();
      if (Double.isNaN(s)) continue;
      if (best == null || s > best.score().estimate() + TIE_EPSILON) best = c;
    }
    if (best == null) throw new UserException("no checkpoint has a judged score (every judgment failed or was unparseable); nothing to select");
    return best;
  }

  /** Reads {@code selected.json} (the file, or the run folder holding it). */
  public static Selection read(Path fileOrDir) throws IOException {
    Path f = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(SELECTED_JSON) : fileOrDir;
    if (!Files.isRegularFile(f)) throw new UserException(f + ": no " + SELECTED_JSON + " (written by lima eval select)");
    try {
      return Json.MAPPER.readValue(f.toFile(), Selection.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new BadInputException(f + ": not a selection (" + e.getOriginalMessage() + ")");
    }
  }

  /**
   * Points {@code runDir/selected} at {@code runDir/checkpoint}: a relative symbolic link; where the file
   * system has none, a folder of hard links to the checkpoint's files; failing that, a copy. Replaces an
   * earlier {@code selected} (link or folder) atomically where the file system allows. Returns {@code
   * symlink}, {@code hardlinks} or {@code copy}.
   */
  public static String link(Path runDir, String checkpoint) throws IOException {
    Path target = runDir.resolve(checkpoint);
    if (!Files.isDirectory(target)) throw new UserException(target + ": no such checkpoint folder");
    Path link = runDir.resolve(LINK);
    Path tmp = runDir.resolve("." + LINK + ".tmp");
    deleteTree(tmp);
    String how;
    try {
      Files.createSymbolicLink(tmp, Path.of(checkpoint));
      how = "symlink";
    } catch (IOException | UnsupportedOperationException e) {
      Files.createDirectories(tmp);
      how = "hardlinks";
      try (Stream<Path> s = Files.list(target)) {
        for (Path f : s.sorted().toList()) {
          Path t = tmp.resolve(f.getFileName());
          try {
            Files.createLink(t, f);
          } catch (IOException | UnsupportedOperationException e2) {
            Files.copy(f, t);
            how = "copy";
          }
        }
      }
    }
    if (Files.isDirectory(link, LinkOption.NOFOLLOW_LINKS)) deleteTree(link);
    Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return how;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.list(p)) {
        for (Path c : s.toList()) deleteTree(c);
      }
    }
    Files.delete(p);
  }
}
