package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Every command in README.md and docs/*.md runs as written. The convention (docs/README.md, "Commands in the
 * docs"): a fenced block tagged {@code bash}, {@code sh}, {@code shell} or {@code console}, or an untagged one with
 * a line that starts with {@code bin/lima}, {@code lima}, {@code make} or {@code mvn}, is a command block. It runs
 * as one bash script ({@code set -eo pipefail}) in a scratch copy of the repository whose {@code bin/lima} runs the
 * code under test, and must exit 0. {@code <!-- no-run: why -->} just above the fence skips it (the reason is
 * printed), {@code <!-- run: slow -->} runs it only in the slow suite. A block that mentions {@code ../shared/real}
 * runs only where that folder exists. Blocks of one file share one scratch folder and run in document order.
 * {@code make build} lines are skipped (the test runs on the built code); other make lines need a mark.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DocCommandsTest {
  private static final Path ROOT = Path.of(System.getProperty("lima.root", "..")).toAbsolutePath().normalize();
  private static final Path SHARED = Path.of(System.getProperty("lima.shared", ROOT + "/../shared")).toAbsolutePath().normalize();
  private static final int TIMEOUT_S = Integer.getInteger("lima.doc.timeout", 300);
  private static final int TAIL = 15;

  private static final Pattern FENCE = Pattern.compile("^\\s*(```+|~~~+)\\s*([\\w+-]*).*$");
  private static final Pattern COMMAND_LINE = Pattern.compile("^\\s*(\\$ )?(\\./)?(bin/lima|lima|make|mvn)(\\s|$).*");
  private static final Pattern MARK = Pattern.compile("^\\s*<!--\\s*(no-run|run)\\s*:\\s*(.*?)\\s*-->\\s*$");
  private static final Pattern MAKE = Pattern.compile("^\\s*(\\$ )?(make|mvn)(\\s|$).*");
  private static final Pattern MAKE_BUILD = Pattern.compile("^\\s*(\\$ )?make build\\s*(#.*)?$");

  @TempDir static Path scratch;
  private static final Map<String, Workspace> WORKSPACES = new LinkedHashMap<>();

  /** One fenced command block of a doc file. {@code line} is the 1-based line of the opening fence. */
  record Block(String file, int line, String lang, List<String> body, String noRun, boolean slow) {
    boolean realData() {
      return String.join("\n", body).contains("../shared/real");
    }

    String where() {
      return file + ":" + line;
    }

    /** The script lines, one per body line so that line numbers map back to the doc. */
    List<String> script() {
      List<String> out = new ArrayList<>();
      for (String l : body) {
        if (lang.equals("console")) {
          out.add(l.startsWith("$ ") ? l.substring(2) : "");
        } else if (MAKE_BUILD.matcher(l).matches()) {
          out.add(": make build is done by the test harness");
        } else {
          out.add(l.startsWith("$ ") ? l.substring(2) : l);
        }
      }
      return out;
    }

    /** The make and mvn lines other than make build: they cannot run in a scratch copy. */
    List<String> makeLines() {
      List<String> out = new ArrayList<>();
      for (String l : script()) if (MAKE.matcher(l).matches()) out.add(l.strip());
      return out;
    }
  }

  /** The command blocks of README.md and docs/*.md, in file and line order. */
  static List<Block> blocks() {
    List<Path> files = new ArrayList<>();
    files.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> out = new ArrayList<>();
    try {
      for (Path f : files) out.addAll(parse(ROOT.relativize(f).toString(), read(f)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<Block> parse(String file, List<String> lines) {
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) continue;
      String fence = open.group(1);
      String lang = open.group(2);
      int start = i;
      List<String> body = new ArrayList<>();
      for (i++; i < lines.size() && !lines.get(i).strip().startsWith(fence); i++) body.add(lines.get(i));
      boolean shell = List.of("bash", "sh", "shell", "console").contains(lang);
      boolean commands = body.stream().anyMatch(l -> COMMAND_LINE.matcher(l).matches());
      if (!shell && !(lang.isEmpty() && commands)) continue;
      String noRun = null;
      boolean slow = false;
      int k = start - 1;
      while (k >= 0 && lines.get(k).isBlank()) k--;
      if (k >= 0) {
        Matcher m = MARK.matcher(lines.get(k));
        if (m.matches()) {
          if (m.group(1).equals("no-run")) {
            if (m.group(2).isEmpty()) throw new AssertionError(file + ":" + (k + 1) + ": <!-- no-run: --> needs a reason");
            noRun = m.group(2);
          } else if (m.group(2).equals("slow")) {
            slow = true;
          } else {
            throw new AssertionError(file + ":" + (k + 1) + ": unknown mark '" + lines.get(k).strip() + "' (use <!-- no-run: why --> or <!-- run: slow -->)");
          }
        } else if (lines.get(k).contains("no-run") || lines.get(k).contains("<!-- run")) {
          throw new AssertionError(file + ":" + (k + 1) + ": malformed mark '" + lines.get(k).strip() + "' (use <!-- no-run: why --> or <!-- run: slow -->)");
        }
      }
      out.add(new Block(file, start + 1, lang, body, noRun, slow));
    }
    return out;
  }

  @Test
  @Order(0)
  void everyCommandBlockRunsOrSaysWhyNot() {
    List<Block> all = blocks();
    assertFalse(all.isEmpty(), "no command blocks found under " + ROOT);
    int run = 0;
    for (Block b : all) {
      if (b.noRun() != null) System.out.println("DocCommandsTest: not run " + b.where() + ": " + b.noRun());
      else run++;
    }
    System.out.println("DocCommandsTest: " + all.size() + " command blocks, " + run + " run, " + (all.size() - run) + " marked no-run");
    List<String> unmarkedMake = new ArrayList<>();
    for (Block b : all)
      if (b.noRun() == null && !b.makeLines().isEmpty())
        unmarkedMake.add(b.where() + ": `" + b.makeLines().get(0) + "` cannot run in the test's scratch copy; mark the block <!-- no-run: why -->");
    assertTrue(unmarkedMake.isEmpty(), String.join("\n", unmarkedMake));
  }

  @TestFactory
  @Order(1)
  Stream<DynamicNode> repositoryCommands() {
    return tests(b -> !b.slow() && !b.realData());
  }

  @TestFactory
  @Order(2)
  @Tag("real-data")
  Stream<DynamicNode> realDataCommands() {
    return tests(b -> !b.slow() && b.realData());
  }

  @TestFactory
  @Order(3)
  @Tag("slow")
  Stream<DynamicNode> slowCommands() {
    return tests(Block::slow);
  }

  private Stream<DynamicNode> tests(java.util.function.Predicate<Block> which) {
    List<DynamicNode> out = new ArrayList<>();
    for (Block b : blocks()) {
      if (b.noRun() != null || !b.makeLines().isEmpty() || !which.test(b)) continue;
      out.add(DynamicTest.dynamicTest(b.where(), () -> workspace(b.file()).runUpTo(b)));
    }
    return out.stream();
  }

  static synchronized Workspace workspace(String file) throws IOException {
    Workspace w = WORKSPACES.get(file);
    if (w == null) {
      w = new Workspace(scratch.resolve("ws" + WORKSPACES.size()), file);
      WORKSPACES.put(file, w);
    }
    return w;
  }

  /** A scratch copy of the repository for one doc file: {@code work/} beside a {@code shared} link. */
  static final class Workspace {
    final Path work;
    final String file;
    final Map<Integer, String> done = new LinkedHashMap<>(); // fence line -> null (ok) or why it failed

    Workspace(Path dir, String file) throws IOException {
      this.file = file;
      this.work = dir.resolve("lima");
      Files.createDirectories(work);
      if (Files.isDirectory(SHARED)) Files.createSymbolicLink(dir.resolve("shared"), SHARED);
      try (Stream<Path> s = Files.list(ROOT)) {
        for (Path p : s.toList()) {
          String name = p.getFileName().toString();
          if (name.equals("bin") || name.equals("out") || name.equals("data") || name.startsWith(".")) continue;
          Files.createSymbolicLink(work.resolve(name), p);
        }
      }
      copyTree(ROOT.resolve("data"), work.resolve("data"));
      Path bin = Files.createDirectories(work.resolve("bin"));
      try (Stream<Path> s = Files.list(ROOT.resolve("bin"))) {
        for (Path p : s.toList()) if (!p.getFileName().toString().equals("lima")) Files.createSymbolicLink(bin.resolve(p.getFileName()), p);
      }
      writeLauncher(bin.resolve("lima"));
    }

    /** bin/lima's options, but the code under test (this module's classpath) instead of the packaged jar. */
    private void writeLauncher(Path launcher) throws IOException {
      Path args = work.resolve("bin/.classpath.args");
      String cp = System.getProperty("java.class.path").replace("\\", "\\\\");
      Files.writeString(args, "-cp \"" + cp + "\"\n");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Files.writeString(launcher, "#!/usr/bin/env bash\n"
          + "# written by DocCommandsTest: bin/lima on the code under test\n"
          + "exec '" + java + "' ${LIMA_JAVA_OPTS:--Xmx8g} -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \\\n"
          + "  -Dai.djl.offline=\"${LIMA_DJL_OFFLINE:-true}\" -Dlima.tty=false -Dlima.home='" + work + "' @'" + args + "' lima.cli.Main \"$@\"\n");
      Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs the earlier blocks of the file that this environment can run (once each), then {@code target}. */
    synchronized void runUpTo(Block target) throws Exception {
      for (Block b : blocks()) {
        if (!b.file().equals(file) || b.line() >= target.line()) continue;
        if (b.noRun() != null || !b.makeLines().isEmpty() || done.containsKey(b.line())) continue;
        if (b.slow() && !target.slow()) continue;
        if (b.realData() && !Files.isDirectory(SHARED.resolve("real"))) continue;
        String failure = run(b);
        done.put(b.line(), failure);
      }
      if (target.realData() && !Files.isDirectory(SHARED.resolve("real")))
        throw new TestAbortedException(target.where() + ": skipped, " + SHARED.resolve("real") + " is absent (real-data block)");
      String failure = done.containsKey(target.line()) ? done.get(target.line()) : run(target);
      done.put(target.line(), failure);
      if (failure != null) fail(failure);
    }

    /** Runs one block; null when it exits 0, else the message naming file, line, command and last output. */
    private String run(Block b) throws Exception {
      List<String> prelude = List.of(
          "set -eo pipefail",
          "trap 's=$?; echo \"$LINENO $s\" > \"$DOC_FAILED\"' ERR",
          "export PATH=\"$PWD/bin:$PATH\"");
      List<String> script = new ArrayList<>(prelude);
      script.addAll(b.script());
      Path sh = work.resolve(".doc-block-" + b.line() + ".sh");
      Path log = work.resolve(".doc-block-" + b.line() + ".log");
      Path failed = work.resolve(".doc-block-" + b.line() + ".failed");
      Files.write(sh, script, StandardCharsets.UTF_8);
      ProcessBuilder pb = new ProcessBuilder("/bin/bash", sh.toString()).directory(work.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("DOC_FAILED", failed.toString());
      long t0 = System.nanoTime();
      Process p = pb.start();
      int limit = b.slow() ? Math.max(TIMEOUT_S, 1800) : TIMEOUT_S;
      boolean finished = p.waitFor(limit, TimeUnit.SECONDS);
      if (!finished) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor();
      }
      System.out.printf("DocCommandsTest: ran %s in %.1f s%n", b.where(), (System.nanoTime() - t0) / 1e9);
      List<String> output = read(log);
      String tail = tail(output);
      if (!finished)
        return b.where() + ": block did not finish in " + limit + " s (mark it <!-- run: slow --> or <!-- no-run: why -->)\n"
            + "last output lines:\n" + tail;
      if (p.exitValue() == 0) return null;
      int scriptLine = -1, status = p.exitValue();
      if (Files.exists(failed)) {
        String[] f = Files.readString(failed).strip().split(" ");
        scriptLine = Integer.parseInt(f[0]);
        status = Integer.parseInt(f[1]);
      }
      int bodyIndex = scriptLine - prelude.size() - 1; // 0-based index into the block body
      String where = bodyIndex >= 0 && bodyIndex < b.body().size() ? b.file() + ":" + (b.line() + 1 + commandStart(b.body(), bodyIndex)) : b.where();
      String command = bodyIndex >= 0 && bodyIndex < b.body().size() ? command(b.body(), bodyIndex) : "(the block)";
      return where + ": exit " + status + " from\n  " + command + "\nlast output lines:\n" + tail
          + "(a command that cannot run here needs <!-- no-run: why --> before its block; see docs/README.md)";
    }
  }

  /** The first line of the command (continued lines end with a backslash) that holds body line {@code i}. */
  static int commandStart(List<String> body, int i) {
    int s = Math.min(i, body.size() - 1);
    while (s > 0 && body.get(s - 1).stripTrailing().endsWith("\\")) s--;
    return s;
  }

  static String command(List<String> body, int i) {
    int s = commandStart(body, i);
    StringBuilder sb = new StringBuilder(body.get(s).strip());
    for (int k = s; k < body.size() - 1 && body.get(k).stripTrailing().endsWith("\\"); k++) sb.append("\n  ").append(body.get(k + 1).strip());
    return sb.toString();
  }

  static String tail(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    for (String l : lines.subList(Math.max(0, lines.size() - TAIL), lines.size())) sb.append("  | ").append(l).append('\n');
    return sb.length() == 0 ? "  (no output)\n" : sb.toString();
  }

  static List<String> read(Path f) throws IOException {
    return List.of(new String(Files.readAllBytes(f), StandardCharsets.UTF_8).split("\n", -1));
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
  }

  // The parser and the failure report are what the coordinator relies on after merges: check them on literals.

  @Test
  @Order(4)
  void parserFindsCommandBlocksAndMarks() {
    List<String> doc = List.of(
        "# t", "", "```", "bin/lima stats x.jsonl", "```", // 3: untagged with a command
        "```json", "{\"a\": 1}", "```", // 6: data, not a command block
        "<!-- no-run: needs a GPU -->", "```bash", "bin/lima generate --device gpu", "```", // 10
        "<!-- run: slow -->", "", "```sh", "make build", "bin/lima train", "```", // 15
        "```console", "$ bin/lima model info m", "model m: 2 layers", "```", // 19
        "```", "lima curate stackexchange: 15.5 s", "```", // 23: untagged output that looks like a command
        "```text", "lima curate stackexchange: 15.5 s", "```", // 26: tagged text, never run
        "```bash", "mvn -q package", "```"); // 29

    List<Block> bs = parse("t.md", doc);
    assertEquals(List.of(3, 10, 15, 19, 23, 29), bs.stream().map(Block::line).toList());
    assertEquals(List.of(), bs.get(2).makeLines(), "make build is done by the harness");
    assertEquals(List.of("mvn -q package"), bs.get(5).makeLines());
    assertEquals("needs a GPU", bs.get(1).noRun());
    assertTrue(bs.get(2).slow());
    assertEquals(List.of(": make build is done by the test harness", "bin/lima train"), bs.get(2).script());
    assertEquals(List.of("bin/lima model info m", ""), bs.get(3).script());
    AssertionError bad = assertThrows(AssertionError.class, () -> parse("u.md", List.of("<!-- run: fast -->", "```bash", "ls", "```")));
    assertTrue(bad.getMessage().startsWith("u.md:1: unknown mark"), bad.getMessage());
    assertThrows(AssertionError.class, () -> parse("u.md", List.of("<!-- no-run: -->", "```bash", "ls", "```")));
  }

  @Test
  @Order(5)
  void aFailingCommandIsReportedWithFileLineCommandAndOutput(@TempDir Path dir) throws Exception {
    List<String> doc = List.of("x", "```bash", "echo first", "ls data/samples >/dev/null", "bin/lima stats \\", "  no-such.jsonl", "echo never", "```");
    Block b = parse("docs/t.md", doc).get(0);
    Workspace w = new Workspace(dir, "docs/t.md");
    String failure = w.run(b);
    assertNotNull(failure, "the block fails");
    assertTrue(failure.startsWith("docs/t.md:5: exit 2 from\n  bin/lima stats \\\n  no-such.jsonl\n"), failure);
    assertTrue(failure.contains("no-such.jsonl: no such file"), failure);
    assertTrue(failure.contains("| first"), failure);
    assertFalse(failure.contains("never"), failure);
    assertNull(w.run(parse("docs/t.md", List.of("```bash", "bin/lima --version && mkdir -p out/x", "```")).get(0)));
    assertTrue(Files.isDirectory(dir.resolve("lima/out/x")), "commands write into the scratch copy");
    assertFalse(Files.exists(ROOT.resolve("out/x")), "never into the repository");
  }
}
