package lima.curate.select;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import lima.core.Example;
import lima.core.Hashing;

/**
 * {@code random}: {@code k} uniformly at random without replacement (Super-Natural Instructions: "one random
 * example from each of 50 tasks"). The order is sha256(seed, stream, id), so it does not depend on the
 * pool's order.
 */
public record RandomSelector() implements Selector {
  public static final String NAME = "random";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Example> select(List<Example> pool, int k, long seed, String stream) {
    List<Example> out = shuffle(pool, seed, stream);
    return new ArrayList<>(out.subList(0, Math.min(Math.max(k, 0), out.size())));
  }

  /** Order by sha256(seed, stream/id): a seeded shuffle that does not depend on the input order. */
  public static List<Example> shuffle(List<Example> in, long seed, String stream) {
    List<Example> out = new ArrayList<>(in);
    Map<Example, Long> key = new IdentityHashMap<>();
    for (Example e : out) key.put(e, Hashing.key(seed, stream + "/" + e.id()));
    out.sort(Comparator.comparing((Example e) -> key.get(e)).thenComparing(Example::id));
    return out;
  }
}
