package lima.curate.markdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: every {@code NN-name.html} under {@code src/test/resources/golden/html2md} is
 * converted and compared with {@code NN-name.md}. A new case is two files and no code. Run with
 * {@code -Dgolden.update=true} to rewrite the expected files from the current output (never in CI;
 * review the diff).
 *
 * <p>A case whose name contains {@code lima-style} is converted with {@link
 * HtmlToMarkdown.Options#LIMA} (triple-backtick inline code), every other one with the default.
 */
class HtmlToMarkdownGoldenTest {
  static final Path DIR = Path.of("src/test/resources/golden/html2md");

  static Stream<String> cases() throws IOException {
    assertTrue(Files.isDirectory(DIR), "golden folder missing: " + DIR.toAbsolutePath());
    try (Stream<Path> s = Files.list(DIR)) {
      List<String> names =
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".html")).map(n -> n.substring(0, n.length() - 5)).sorted().toList();
      assertTrue(names.size() >= 30, "expected at least 30 golden cases, found " + names.size());
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesGolden(String name) throws IOException {
    String html = Files.readString(DIR.resolve(name + ".html"), StandardCharsets.UTF_8);
    HtmlToMarkdown.Options options = name.contains("lima-style") ? HtmlToMarkdown.Options.LIMA : HtmlToMarkdown.Options.DEFAULT;
    String actual = HtmlToMarkdown.convert(html, options);
    Path expectedFile = DIR.resolve(name + ".md");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(expectedFile, actual + "\n", StandardCharsets.UTF_8);
      return;
    }
    assertTrue(Files.isRegularFile(expectedFile), "missing expected file " + expectedFile + " (run with -Dgolden.update=true and review it)");
    String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
    // expected files end with one newline so that they are pleasant to edit; the converter's output does not
    if (expected.endsWith("\n")) expected = expected.substring(0, expected.length() - 1);
    assertEquals(expected, actual, "golden " + name);
  }
}
