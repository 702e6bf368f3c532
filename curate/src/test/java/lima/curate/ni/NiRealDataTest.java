package lima.curate.ni;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real task045 excerpt (with its bare NaN) through the whole natural-instructions run. */
@Tag("real-data")
class NiRealDataTest {
  @TempDir Path tmp;

  @Test
  void realTaskExcerptWithBareNaNGivesOneExample() throws Exception {
    Path src = TestData.real("data/natural_instructions/task045_miscellaneous_sentence_paraphrasing.EXCERPT.json.txt");
    assumeTrue(Files.exists(src), "skipped: " + src + " not present (real samples live in ../shared/real)");
    // the excerpt carries a `//` comment header that is not part of the real file
    String json = Files.readAllLines(src).stream().filter(l -> !l.startsWith("//")).collect(Collectors.joining("\n"));
    assertTrue(json.contains("NaN"));
    Path dir = Files.createDirectories(tmp.resolve("tasks"));
    Files.writeString(dir.resolve("task045_miscellaneous_sentence_paraphrasing.json"), json);
    NiTask t = NiTask.of("task045", Json.MAPPER.readTree(json));
    assertEquals(List.of("Paraphrasing"), t.categories());
    assertEquals(3, t.instances().size());
    var r = NiCurator.run(NiCurator.Config.defaults(), List.of(dir), new RunDir.Options(tmp.resolve("o"), false, 42, -1), false);
    assertEquals(1, r.kept());
    Example e = ExampleReader.readAll(tmp.resolve("o/examples.jsonl")).get(0);
    assertTrue(e.prompt().startsWith(t.definition() + "\n\n"), e.prompt());
    assertTrue(t.instances().stream().anyMatch(i -> e.prompt().endsWith(i.input().strip()) && e.response().equals(i.outputs().get(0).strip())));
    assertTrue(e.id().startsWith("nlp/task045-"), e.id());
  }
}
