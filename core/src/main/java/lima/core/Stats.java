package lima.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters per stage and reason, written as {@code stats.json}: {@code {"stage": {"reason": n}}}.
 * Thread-safe; the written form is sorted, so it is byte-stable.
 */
public final class Stats {
  private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();
  private final Map<String, Object> notes = new ConcurrentHashMap<>();

  public void add(String stage, String key, long n) {
    counts.computeIfAbsent(stage, s -> new ConcurrentHashMap<>()).computeIfAbsent(key, k -> new LongAdder()).add(n);
  }

  public void inc(String stage, String key) {
    add(stage, key, 1);
  }

  public long get(String stage, String key) {
    Map<String, LongAdder> m = counts.get(stage);
    if (m == null) return 0;
    LongAdder a = m.get(key);
    return a == null ? 0 : a.sum();
  }

  /** A free-form fact for stats.json (e.g. how sampling was stratified). */
  public void note(String key, Object value) {
    notes.put(key, value);
  }

  /** A sorted snapshot, as written to stats.json. */
  public Map<String, Object> snapshot() {
    Map<String, Object> out = new TreeMap<>();
    counts.forEach(
        (stage, m) -> {
          Map<String, Long> s = new TreeMap<>();
          m.forEach((k, v) -> s.put(k, v.sum()));
          out.put(stage, s);
        });
    if (!notes.isEmpty()) out.put("notes", new TreeMap<>(notes));
    return out;
  }
}
