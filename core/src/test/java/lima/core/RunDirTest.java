package lima.core;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirTest {
  @TempDir Path tmp;

  @Test
  void writesOutputsAtomicallyAndAManifest() throws Exception {
    Path out = tmp.resolve("run");
    try (RunDir run = RunDir.open(new RunDir.Options(out, false, 7, -1))) {
      try (JsonlWriter w = run.jsonl(RunDir.EXAMPLES)) {
        w.write(Example.of("a", "s", "p", "r", Map.of()));
        assertFalse(Files.exists(out.resolve(RunDir.EXAMPLES)), "target must not exist before commit");
        w.commit();
      }
      run.drop("b", "length", (Verdict.Drop) Verdict.drop("too_short", 3, 1200), Map.of("line", 7));
      run.finish("test", List.of(RunDir.EXAMPLES), "fp");
    }
    var manifest = Json.MAPPER.readTree(out.resolve(RunDir.MANIFEST).toFile());
    assertEquals(7, manifest.get("seed").asInt());
    assertEquals("fp", manifest.get("fingerprint").asText());
    assertEquals(3, manifest.get("outputs").size());
    assertEquals(1, manifest.at("/counters/length/too_short").asInt());
    String rejects = Files.readString(out.resolve(RunDir.REJECTS));
    assertEquals(
        "{\"context\":{\"bound\":1200,\"line\":7,\"value\":3},\"filter\":\"length\",\"id\":\"b\",\"reason\":\"too_short\",\"stage\":\"filter\"}\n", rejects);
    assertTrue(RunDir.upToDate(out, "fp"));
    assertFalse(RunDir.upToDate(out, "other"));
  }

  @Test
  void rejectStagesAreAClosedSet() throws Exception {
    try (RunDir run = RunDir.open(new RunDir.Options(tmp.resolve("stages"), false, 1, -1))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.reject("x", "submission_filter", "too_short", Map.of()));
      assertTrue(e.getMessage().contains("submission_filter"), e.getMessage());
      run.reject("y", "dedup", "near_duplicate", Map.of());
    }
  }

  @Test
  void uncommittedWriterLeavesNothing() throws Exception {
    Path target = tmp.resolve("x.jsonl");
    try (JsonlWriter w = new JsonlWriter(target)) {
      w.write(Map.of("a", 1));
    }
    assertFalse(Files.exists(target));
    assertFalse(Files.exists(AtomicFiles.tempFor(target)));
  }

  @Test
  void refusesNonEmptyOutWithoutForce() throws Exception {
    Path out = tmp.resolve("full");
    Files.createDirectories(out);
    Files.writeString(out.resolve("examples.jsonl"), "{}\n");
    UserException e = assertThrows(UserException.class, () -> RunDir.open(new RunDir.Options(out, false, 1, -1)));
    assertTrue(e.getMessage().contains("--force"), e.getMessage());
    RunDir.open(new RunDir.Options(out, true, 1, -1)).close();
  }

  @Test
  void secondRunOnSameFolderIsLockedOut() throws Exception {
    Path out = tmp.resolve("locked");
    try (RunDir first = RunDir.open(new RunDir.Options(out, false, 1, -1))) {
      // A second JVM would fail tryLock; in-process the channel overlap is reported the same way.
      UserException e = assertThrows(UserException.class, () -> RunDir.open(new RunDir.Options(out, true, 1, -1)));
      assertEquals(ExitCodes.LOCKED, e.exitCode());
    }
    RunDir.open(new RunDir.Options(out, true, 1, -1)).close();
  }

  @Test
  void maxErrorsStopsTheRun() throws Exception {
    try (RunDir run = RunDir.open(new RunDir.Options(tmp.resolve("e"), false, 1, 1))) {
      run.badRecord("f.xml:3", "bad row", "<row");
      BadInputException e = assertThrows(BadInputException.class, () -> run.badRecord("f.xml:9", "bad row", "<row"));
      assertTrue(e.getMessage().startsWith("f.xml:9: bad row"), e.getMessage());
      assertEquals(2, run.stats().get("input", "bad_records"));
    }
    Path out = tmp.resolve("e");
    assertTrue(Files.readString(out.resolve(RunDir.REJECTS)).contains("f.xml:9"), "a stopped run keeps its rejects");
    assertTrue(Json.MAPPER.readTree(out.resolve(RunDir.STATS).toFile()).at("/notes/incomplete").asBoolean());
    assertFalse(Files.exists(out.resolve(RunDir.MANIFEST)), "no manifest for an unfinished run");
  }
}
