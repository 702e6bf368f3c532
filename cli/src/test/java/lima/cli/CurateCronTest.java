package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import lima.core.Example;
import lima.core.ExitCodes;
import lima.core.JsonlWriter;
import lima.core.RunDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Cron behaviour of `lima curate dedup` and `lima curate mix`, through the real command line. */
class CurateCronTest {
  @TempDir Path tmp;
  StringWriter out, err;

  @BeforeEach
  void inputs() throws Exception {
    write(tmp.resolve("runs/authored/examples.jsonl"),
        Example.of("a1", "authors", "How do tides work and why are there two of them each day", "Because of the moon.", Map.of()),
        Example.of("a2", "authors", "how do tides work, and why are there two of them each day?", "Because of the moon.", Map.of()),
        Example.of("a3", "authors", "Write a haiku about autumn leaves falling in a quiet park", "Leaves fall.", Map.of()));
    write(tmp.resolve("runs/test/examples.jsonl"), new Example("t1", "askreddit", List.of("What is a smell that instantly takes you back to childhood?"), Map.of()));
    Files.writeString(tmp.resolve("recipe.json"), """
        {"name": "cron", "train": [{"name": "authored", "path": "runs/authored", "quota": 2}],
         "test": [{"name": "askreddit", "kind": "reddit", "path": "runs/test", "quota": 1}]}
        """);
  }

  static void write(Path f, Example... ex) throws Exception {
    Files.createDirectories(f.getParent());
    try (JsonlWriter w = new JsonlWriter(f)) {
      for (Example e : ex) w.write(e);
      w.commit();
    }
  }

  int lima(String... args) {
    CommandLine cl = LimaCommand.commandLine();
    out = new StringWriter();
    err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  String[] mixArgs(Path outDir) {
    return new String[] {"curate", "mix", "--recipe", tmp.resolve("recipe.json").toString(), "--out", outDir.toString(), "--if-changed", "--threads", "2"};
  }

  @Test
  void mixSecondRunWithUnchangedInputsDoesNothing() throws Exception {
    Path o = tmp.resolve("final");
    assertEquals(0, lima(mixArgs(o)), err.toString());
    assertTrue(out.toString().startsWith("train 2, dev 0, test 1"), out.toString());
    Path train = o.resolve("train.jsonl"), manifest = o.resolve("manifest.json");
    FileTime t1 = Files.getLastModifiedTime(train), m1 = Files.getLastModifiedTime(manifest);
    String manifestText = Files.readString(manifest);
    Thread.sleep(20);
    assertEquals(0, lima(mixArgs(o)), err.toString());
    assertTrue(out.toString().startsWith("up to date"), out.toString());
    assertEquals(t1, Files.getLastModifiedTime(train));
    assertEquals(m1, Files.getLastModifiedTime(manifest));
    assertEquals(manifestText, Files.readString(manifest));
    // a changed input redoes the work
    write(tmp.resolve("runs/authored/examples.jsonl"),
        Example.of("a1", "authors", "How do tides work and why are there two of them each day", "Because of the moon.", Map.of()),
        Example.of("a4", "authors", "Explain recursion to a ten year old using a story about mirrors", "Imagine two mirrors.", Map.of()));
    assertEquals(0, lima(mixArgs(o)), err.toString());
    assertTrue(out.toString().startsWith("train 2"), out.toString());
    assertTrue(Files.readString(train).contains("a4"));
  }

  @Test
  void dedupSecondRunIsANoOp() throws Exception {
    Path o = tmp.resolve("dd");
    String[] args = {"curate", "dedup", tmp.resolve("runs/authored").toString(), "--out", o.toString(), "--if-changed"};
    assertEquals(0, lima(args), err.toString());
    assertTrue(out.toString().startsWith("kept 2 of 3 (exact duplicates 1"), out.toString());
    FileTime t1 = Files.getLastModifiedTime(o.resolve("examples.jsonl"));
    Thread.sleep(20);
    assertEquals(0, lima(args), err.toString());
    assertTrue(out.toString().startsWith("up to date"), out.toString());
    assertEquals(t1, Files.getLastModifiedTime(o.resolve("examples.jsonl")));
    // without --if-changed the finished folder is refused
    assertEquals(ExitCodes.USAGE, lima("curate", "dedup", tmp.resolve("runs/authored").toString(), "--out", o.toString()));
  }

  @Test
  void heldLockExits75WithAMessage() throws Exception {
    Path o = tmp.resolve("locked");
    try (RunDir held = RunDir.open(new RunDir.Options(o, false, 1, -1))) {
      assertEquals(ExitCodes.LOCKED, lima(mixArgs(o)));
      assertTrue(err.toString().contains("another lima run is writing"), err.toString());
      assertEquals(ExitCodes.LOCKED, lima("curate", "dedup", tmp.resolve("runs/authored").toString(), "--out", o.toString(), "--if-changed"));
    }
  }

  @Test
  void diversityCommandWritesJsonAndMarkdown() throws Exception {
    Path o = tmp.resolve("div");
    assertEquals(0, lima("curate", "diversity", tmp.resolve("runs/authored").toString(), "--out", o.toString()), err.toString());
    assertTrue(out.toString().startsWith("3 examples"), out.toString());
    var json = lima.core.Json.MAPPER.readTree(o.resolve("diversity.json").toFile());
    assertEquals(3, json.get("count").asInt());
    assertEquals(1, json.get("duplicate_clusters").asInt(), "a1 and a2 differ only in case and punctuation");
    assertEquals(3, json.at("/similarity/pairs").asInt());
    assertTrue(Files.readString(o.resolve("diversity.md")).contains("## By source"));
  }

  @Test
  void badOptionValuesAreUsageErrors() {
    assertEquals(ExitCodes.USAGE, lima("curate", "dedup", tmp.resolve("runs/authored").toString(), "--out", tmp.resolve("x").toString(), "--keep", "best"));
    assertTrue(err.toString().contains("--keep must be"), err.toString());
    assertEquals(ExitCodes.USAGE, lima("curate", "dedup", tmp.resolve("runs/authored").toString(), "--out", tmp.resolve("y").toString(), "--threshold", "1.5"));
  }
}
