package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The no-op paths of {@code data/demo.sh} and {@code data/lima-data.sh} (make demo, make lima-data): a second run
 * with nothing changed runs no step, and a changed input or a deleted output reruns what it must.
 */
class NoOpScriptsTest {
  private static final Path ROOT = Path.of(System.getProperty("lima.root", "..")).toAbsolutePath().normalize();
  @TempDir Path tmp;

  @Test
  void demoSkipsUnchangedStepsAndRerunsFromAChangedOne() throws Exception {
    Path steps = Files.createDirectories(tmp.resolve("steps"));
    Path log = tmp.resolve("ran.txt");
    for (String s : List.of("10-a", "20-b", "30-c"))
      Files.writeString(steps.resolve(s + ".sh"), "mkdir -p \"$1/" + s + "\"; echo " + s + " >> '" + log + "'\n");
    Path out = tmp.resolve("out");
    demo(out);
    assertEquals(List.of("10-a", "20-b", "30-c"), Files.readAllLines(log));
    String second = demo(out);
    assertEquals(3, Files.readAllLines(log).size(), "second run ran a step:\n" + second);
    assertTrue(second.contains("== 20-b: up to date"), second);

    Files.writeString(steps.resolve("20-b.sh"), Files.readString(steps.resolve("20-b.sh")) + "# changed\n");
    demo(out);
    assertEquals(List.of("10-a", "20-b", "30-c", "20-b", "30-c"), Files.readAllLines(log), "a changed step and the ones after it");

    Files.delete(out.resolve("10-a"));
    demo(out);
    assertEquals("10-a", Files.readAllLines(log).get(5), "a step whose folder is gone runs again");
    assertEquals(6, Files.readAllLines(log).size());
  }

  @Test
  void limaDataStartsNoJvmWhenNothingMoved() throws Exception {
    Path dumps = Files.createDirectories(tmp.resolve("dumps/wikihow"));
    Path csv = Files.writeString(dumps.resolve("wikihowAll.csv"), "headline,title,text\n");
    Path calls = tmp.resolve("calls.txt");
    // a stand-in for bin/lima: records the call and writes the run folder's manifest
    Path fake = tmp.resolve("fake-lima");
    Files.writeString(fake, "#!/usr/bin/env bash\necho \"$2\" >> '" + calls + "'\n"
        + "while [ $# -gt 0 ]; do [ \"$1\" = --out ] && o=$2; shift; done\nmkdir -p \"$o\"; echo '{}' > \"$o/manifest.json\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path out = tmp.resolve("ld");
    limaData(fake, out);
    assertEquals(List.of("wikihow", "mix"), Files.readAllLines(calls));
    limaData(fake, out);
    assertEquals(2, Files.readAllLines(calls).size(), "nothing moved: no lima call");

    Files.setLastModifiedTime(csv, FileTime.fromMillis(Files.getLastModifiedTime(csv).toMillis() + 5000));
    limaData(fake, out);
    assertEquals(List.of("wikihow", "mix", "wikihow", "mix"), Files.readAllLines(calls), "a touched dump: its step and the mix ask lima");
  }

  private String demo(Path out) throws Exception {
    return bash(List.of("LIMA_DEMO_STEPS=" + tmp.resolve("steps"), "LIMA=true"), "data/demo.sh", out.toString());
  }

  private String limaData(Path fake, Path out) throws Exception {
    return bash(List.of("LIMA=" + fake), "data/lima-data.sh", tmp.resolve("dumps").toString(), out.toString());
  }

  private static String bash(List<String> env, String script, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("/bin/bash", ROOT.resolve(script).toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    for (String e : env) pb.environment().put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
