package lima.curate.select;

import java.util.ArrayList;
import java.util.List;
import lima.core.Example;

/** {@code order}: the first {@code k} in the pool's order (a source that ranks best first, e.g. Reddit by score). */
public record OrderSelector() implements Selector {
  public static final String NAME = "order";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Example> select(List<Example> pool, int k, long seed, String stream) {
    return new ArrayList<>(pool.subList(0, Math.min(Math.max(k, 0), pool.size())));
  }
}
