package lima.core;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {
  record Config(int maxPromptChars, Set<String> exclude, Path categoryMap, String site, int threads, List<String> words) {}

  @Test
  void everyComponentInSnakeCaseSetsSortedNullsAndSkippedLeftOut() {
    Map<String, Object> m = Settings.describe(new Config(4000, Set.of("b", "a", "c"), Path.of("x/map.tsv"), null, 8, List.of("z", "y")), "threads");
    assertEquals(List.of("category_map", "exclude", "max_prompt_chars", "words"), List.copyOf(m.keySet()));
    assertEquals(4000, m.get("max_prompt_chars"));
    assertEquals("[a, b, c]", m.get("exclude").toString());
    assertEquals("x/map.tsv", m.get("category_map"));
    assertEquals(List.of("z", "y"), m.get("words"), "lists keep their order");
  }
}
