package lima.core;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A stage's resolved configuration for the manifest and the {@code --if-changed} fingerprint, derived
 * from its configuration record, so each setting is declared once (as a record component): keys are the
 * components in snake_case ({@code maxChars} to {@code max_chars}); sets are written sorted, paths as text,
 * absent (null) values left out. Components that do not change the output (threads) are skipped by name.
 */
public final class Settings {
  private Settings() {}

  /** The components of {@code config} except {@code skip}, as a sorted map. */
  public static Map<String, Object> describe(Record config, String... skip) {
    Set<String> leaveOut = Set.of(skip);
    Map<String, Object> m = new TreeMap<>();
    for (RecordComponent c : config.getClass().getRecordComponents()) {
      if (leaveOut.contains(c.getName())) continue;
      Object v;
      try {
        v = c.getAccessor().invoke(config);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + c.getName() + " of " + config.getClass().getSimpleName(), e);
      }
      if (v == null) continue;
      if (v instanceof Set<?> s) v = new TreeSet<>((Collection<?>) s);
      if (v instanceof Path p) v = p.toString();
      m.put(snake(c.getName()), v);
    }
    return m;
  }

  /** {@code maxPromptChars} to {@code max_prompt_chars}. */
  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (char ch : camel.toCharArray()) {
      if (Character.isUpperCase(ch)) sb.append('_').append(Character.toLowerCase(ch));
      else sb.append(ch);
    }
    return sb.toString();
  }
}
