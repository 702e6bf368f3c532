package lima.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lima.core.RunDir;

/** Prompts matched with the responses of A and B by prompt id, in prompt-file order; the rest counted. */
record Paired(List<Item> items, int missingA, int missingB, int unknown) {

  record Item(String id, String prompt, String a, String b) {}

  /** Pairs; each prompt lacking a response of A or B goes to rejects ({@code pair/missing_a|missing_b}). */
  static Paired of(RunDir run, Map<String, String> prompts, Responses a, Responses b) throws IOException {
    List<Item> items = new ArrayList<>();
    int ma = 0, mb = 0;
    for (var e : prompts.entrySet()) {
      String ra = a.byId().get(e.getKey()), rb = b.byId().get(e.getKey());
      if (ra == null) {
        ma++;
        if (run != null) run.reject(e.getKey(), "pair", "missing_a", Map.of("file", a.file().toString()));
      }
      if (rb == null) {
        mb++;
        if (run != null) run.reject(e.getKey(), "pair", "missing_b", Map.of("file", b.file().toString()));
      }
      if (ra != null && rb != null) items.add(new Item(e.getKey(), e.getValue(), ra, rb));
    }
    int unknown = 0;
    for (String id : a.byId().keySet()) if (!prompts.containsKey(id)) unknown++;
    for (String id : b.byId().keySet()) if (!prompts.containsKey(id)) unknown++;
    if (run != null && unknown > 0) run.stats().add("pair", "unknown_ids", unknown);
    return new Paired(items, ma, mb, unknown);
  }
}
