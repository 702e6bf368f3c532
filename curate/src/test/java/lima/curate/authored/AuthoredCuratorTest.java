package lima.curate.authored;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.RunDir;
import lima.core.TestData;
import lima.core.UserException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthoredCuratorTest {
  @TempDir Path tmp;

  static final AuthoredCurator.Config CONFIG = new AuthoredCurator.Config(List.of());

  Path inputs() throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    Files.writeString(in.resolve("a.md"), "---\nid: a1\nsafety: true\ntags: x, y\n---\n## User\nq?\n## Assistant\nNo.\n");
    Files.writeString(
        in.resolve("b.md"),
        "# example: b1\n## User\nq1\n## Assistant\na1\n## User\nq2\n## Assistant\na2\n\n# example: b2\n## User\nq\n## Assistant\nTODO\n");
    Files.writeString(
        in.resolve("c.jsonl"),
        "{\"conversations\":[\"p\",\"r\"],\"source\":\"authors\",\"id\":\"c1\"}\n{broken\n{\"conversations\":[\"p\",\"r\"],\"id\":\"a1\"}\n"
            + "{\"conversations\":[\"p\",\"r\",\"p2\"],\"id\":\"c3\"}\n");
    Files.writeString(in.resolve("README.md"), "# not an example\n");
    return in;
  }

  @Test
  void writesValidExamplesAndRejectsTheRestWithFileAndLine() throws Exception {
    Path in = inputs();
    Path out = tmp.resolve("out");
    var r = AuthoredCurator.run(CONFIG, List.of(in), new RunDir.Options(out, false, 1, -1), false);
    assertEquals(3, r.kept());
    assertEquals(6, r.read());
    assertEquals(3, r.rejected());
    List<Example> ex = ExampleReader.readAll(out.resolve(RunDir.EXAMPLES));
    assertEquals(List.of("a1", "b1", "c1"), ex.stream().map(Example::id).toList());
    Example a1 = ex.get(0);
    assertEquals("authors", a1.source());
    assertEquals(true, a1.meta().get("safety"));
    assertEquals(List.of("x", "y"), a1.meta().get("tags"));
    assertEquals(4, ex.get(1).conversations().size());
    var rejects = Files.readAllLines(out.resolve(RunDir.REJECTS)).stream().map(l -> {
      try {
        return Json.MAPPER.readTree(l);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
    assertEquals(4, rejects.size(), rejects.toString()); // template marker, broken JSON, duplicate id, ends with user
    assertEquals("template_marker", rejects.get(0).get("reason").asText());
    assertEquals(14, rejects.get(0).at("/context/line").asInt(), "the line of the turn's heading");
    assertTrue(rejects.get(0).at("/context/file").asText().endsWith("b.md"));
    assertEquals("malformed", rejects.get(1).get("reason").asText());
    assertEquals("duplicate_id", rejects.get(2).get("reason").asText());
    assertEquals("ends_with_user", rejects.get(3).get("reason").asText());
    var stats = Json.MAPPER.readTree(out.resolve(RunDir.STATS).toFile());
    assertEquals(1, stats.at("/kept/multi_turn").asInt());
    assertEquals(1, stats.at("/kept/safety").asInt());
    assertEquals(1, stats.at("/validate/template_marker").asInt());
    assertTrue(Files.isRegularFile(out.resolve(RunDir.MANIFEST)));
  }

  @Test
  void ifChangedSkipsAnUnchangedRunAndRedoesAChangedOne() throws Exception {
    Path in = inputs();
    Path out = tmp.resolve("out");
    var o = new RunDir.Options(out, false, 1, -1);
    assertFalse(AuthoredCurator.run(CONFIG, List.of(in), o, true).upToDate());
    String before = Files.readString(out.resolve(RunDir.EXAMPLES));
    assertTrue(AuthoredCurator.run(CONFIG, List.of(in), o, true).upToDate());
    Files.writeString(in.resolve("d.md"), "## User\nnew\n## Assistant\nanswer\n");
    var r = AuthoredCurator.run(CONFIG, List.of(in), new RunDir.Options(out, true, 1, -1), true);
    assertFalse(r.upToDate());
    assertEquals(4, r.kept());
    assertNotEquals(before, Files.readString(out.resolve(RunDir.EXAMPLES)));
  }

  @Test
  void maxErrorsStopsTheRunAndLeavesNoExamples() throws Exception {
    Path in = inputs();
    Path out = tmp.resolve("out");
    var e = assertThrows(BadInputException.class, () -> AuthoredCurator.run(CONFIG, List.of(in), new RunDir.Options(out, false, 1, 0), false));
    assertTrue(e.getMessage().contains("b.md:14"), e.getMessage());
    assertFalse(Files.exists(out.resolve(RunDir.EXAMPLES)));
  }

  @Test
  void sameInputsGiveIdenticalBytes() throws Exception {
    Path in = inputs();
    AuthoredCurator.run(CONFIG, List.of(in), new RunDir.Options(tmp.resolve("o1"), false, 1, -1), false);
    AuthoredCurator.run(CONFIG, List.of(in), new RunDir.Options(tmp.resolve("o2"), false, 1, -1), false);
    assertArrayEquals(Files.readAllBytes(tmp.resolve("o1").resolve(RunDir.EXAMPLES)), Files.readAllBytes(tmp.resolve("o2").resolve(RunDir.EXAMPLES)));
  }

  @Test
  void wrongKindOfFileIsAUsageError() throws Exception {
    Path f = tmp.resolve("x.csv");
    Files.writeString(f, "a,b\n");
    var e = assertThrows(UserException.class, () -> AuthoredCurator.run(CONFIG, List.of(f), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false));
    assertTrue(e.getMessage().contains("x.csv"), e.getMessage());
  }

  @Test
  void bundledSamples() throws Exception {
    Path samples = Path.of(System.getProperty("lima.root", ".."), "data", "samples", "authored");
    Assumptions.assumeTrue(Files.isDirectory(samples), "skipped: no samples at " + samples);
    var r = AuthoredCurator.run(CONFIG, List.of(samples), new RunDir.Options(tmp.resolve("o"), false, 1, -1), false);
    assertEquals(5, r.kept(), "as data/samples/authored/README.md says");
    assertEquals(2, r.rejected());
  }

  @Test
  @Tag("real-data")
  void releasedAuthorsExamplesPassValidation() throws Exception {
    Path lima = TestData.real("data/lima/lima_train_first1000.jsonl");
    Assumptions.assumeTrue(Files.isRegularFile(lima), "skipped: no released LIMA file at " + lima);
    AuthoredValidator v = new AuthoredValidator(List.of());
    int authors = 0;
    int failed = 0;
    StringBuilder why = new StringBuilder();
    try (RunDir run = RunDir.open(new RunDir.Options(tmp.resolve("real"), false, 1, -1))) {
      for (Draft d : AuthoredCurator.readJsonl(lima, run)) {
        if (!d.source().equals("authors")) continue;
        authors++;
        var p = v.check(d);
        if (p.isPresent()) {
          failed++;
          why.append(d.where()).append(": ").append(p.get().detail()).append('\n');
        }
      }
    }
    assertEquals(200, authors);
    assertEquals(0, failed, why.toString());
  }
}
