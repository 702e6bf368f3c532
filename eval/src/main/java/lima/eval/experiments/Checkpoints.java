package lima.eval.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.core.UserException;

/**
 * Model folders named on a command line ({@code DIR} or {@code NAME=DIR}), with the epoch read from a
 * training run's folder name ({@code epoch-7} is epoch 7), used to order and label the checkpoints of
 * the experiments.
 */
public final class Checkpoints {
  private Checkpoints() {}

  private static final Pattern EPOCH = Pattern.compile("epoch-(\\d+)");

  /** A model folder with its report name and, for a training run's {@code epoch-K} folder, K. */
  public record Checkpoint(String name, Path dir, Integer epoch) {}

  /** The epoch of a folder named {@code epoch-K}, else null. */
  public static Integer epochOf(Path dir) {
    Path f = dir.toAbsolutePath().normalize().getFileName();
    if (f == null) return null;
    Matcher m = EPOCH.matcher(f.toString());
    return m.matches() ? Integer.valueOf(m.group(1)) : null;
  }

  /**
   * Parses {@code [NAME=]DIR} specs; a name defaults to the folder's name, or {@code parent/name} when
   * two folders share a name. Every folder must exist; names must be unique.
   */
  public static List<Checkpoint> parse(List<String> specs) {
    List<Path> dirs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String s : specs) {
      int eq = s.indexOf('=');
      Path d = eq > 0 && !Files.exists(Path.of(s)) ? Path.of(s.substring(eq + 1)) : Path.of(s);
      if (!Files.isDirectory(d)) throw new UserException(d + ": no such model folder");
      dirs.add(d);
      names.add(eq > 0 && !Files.exists(Path.of(s)) ? s.substring(0, eq) : null);
    }
    Set<String> plain = new HashSet<>(), dup = new HashSet<>();
    for (Path d : dirs) if (!plain.add(leaf(d))) dup.add(leaf(d));
    List<Checkpoint> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < dirs.size(); i++) {
      Path d = dirs.get(i);
      String name = names.get(i);
      if (name == null) {
        Path abs = d.toAbsolutePath().normalize();
        name = dup.contains(leaf(d)) && abs.getParent() != null && abs.getParent().getFileName() != null ? abs.getParent().getFileName() + "/" + leaf(d) : leaf(d);
      }
      if (!seen.add(name)) throw new UserException("two models are both named \"" + name + "\"; name them with NAME=DIR");
      out.add(new Checkpoint(name, d, epochOf(d)));
    }
    return out;
  }

  private static String leaf(Path d) {
    Path f = d.toAbsolutePath().normalize().getFileName();
    return f == null ? d.toString() : f.toString();
  }
}
