package lima.curate.wikihow;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each folder under {@code golden/wikihow/} holds an {@code input.*} and the {@code
 * expected.txt} rebuild (prompt + response per article). A new case is two files. Rewrite the expected
 * files only on purpose, with {@code -Dgolden.update=true}.
 */
class ArticleFormatterGoldenTest {
  static final Path ROOT = Path.of("src/test/resources/golden/wikihow");

  static Stream<Path> cases() throws IOException {
    try (Stream<Path> s = Files.list(ROOT)) {
      return s.filter(Files::isDirectory).sorted().toList().stream();
    }
  }

  static String rebuild(Path input) throws IOException {
    Map<String, List<StepRow>> articles = new LinkedHashMap<>();
    List<String> bad = new ArrayList<>();
    WikiHowReader.read(input, 0, r -> articles.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r), (w, r, x) -> bad.add(w + ": " + r), n -> {});
    assertEquals(List.of(), bad, "golden inputs are well-formed");
    ArticleFormatter f = new ArticleFormatter(ArticleFormatter.DEFAULT_PRUNE);
    StringBuilder sb = new StringBuilder();
    for (List<StepRow> rows : articles.values()) {
      var a = f.format(rows);
      sb.append("### PROMPT: ").append(Titles.prompt(rows.get(0).title())).append('\n');
      sb.append("### STEPS: ").append(a.steps()).append("  PRUNED: ").append(a.pruned()).append('\n');
      sb.append(a.response()).append("\n\n");
    }
    return sb.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rebuildMatchesGolden(Path dir) throws IOException {
    Path input;
    try (Stream<Path> s = Files.list(dir)) {
      input = s.filter(p -> p.getFileName().toString().startsWith("input.")).findFirst().orElseThrow();
    }
    String actual = rebuild(input);
    Path expected = dir.resolve("expected.txt");
    if (Boolean.getBoolean("golden.update")) Files.writeString(expected, actual, StandardCharsets.UTF_8);
    assertTrue(Files.exists(expected), "missing " + expected + " (create it with -Dgolden.update=true and review it)");
    assertEquals(Files.readString(expected, StandardCharsets.UTF_8), actual);
  }
}
