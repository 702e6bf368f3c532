package lima.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import lima.core.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lima completion bash|zsh}: a script bash accepts, that completes lima's real subcommands and options. */
class CompletionCommandTest {
  @TempDir Path tmp;

  @Test
  void bashScriptParsesAndNamesEverySubcommand() throws Exception {
    LimaRun r = LimaRun.of("completion", "bash");
    assertEquals(0, r.code(), r.err());
    Path script = tmp.resolve("lima.bash");
    Files.writeString(script, r.out());
    assertEquals("", bash("-n", script.toString()), "bash -n");
    CommandLine cl = LimaCommand.commandLine();
    for (String name : cl.getSubcommands().keySet()) assertTrue(r.out().contains(name), "script names " + name);
    for (String name : cl.getSubcommands().get("curate").getSubcommands().keySet())
      assertTrue(r.out().contains(name), "script names curate " + name);
  }

  @Test
  void bashCompletesSubcommandsAndOptions() throws Exception {
    Path script = tmp.resolve("lima.bash");
    Files.writeString(script, LimaRun.of("completion", "bash").out());
    // What bash does on "lima cu<TAB>" and "lima curate mix --re<TAB>": call the registered completion function.
    assertEquals(Set.of("curate"), complete(script, "lima", "cu"));
    assertEquals(Set.of("--recipe"), complete(script, "lima", "curate", "mix", "--rec"));
    assertTrue(complete(script, "lima", "curate", "").containsAll(Set.of("stackexchange", "wikihow", "mix", "dedup")));
  }

  @Test
  void zshGetsTheScriptThroughBashcompinit() {
    LimaRun r = LimaRun.of("completion", "zsh");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("bashcompinit"), "zsh loads it through bashcompinit");
    assertTrue(r.out().contains("complete -F"), r.out());
  }

  @Test
  void unknownShellIsAUsageError() {
    LimaRun r = LimaRun.of("completion", "fish");
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("fish"), r.err());
  }

  /** The words bash would offer for the command line {@code words} (the last one being completed). */
  private Set<String> complete(Path script, String... words) throws Exception {
    StringBuilder sb = new StringBuilder("source '" + script + "'\nCOMP_WORDS=(");
    for (String w : words) sb.append(" '").append(w).append('\'');
    sb.append(" )\nCOMP_CWORD=").append(words.length - 1).append('\n');
    sb.append("COMP_LINE=\"${COMP_WORDS[*]}\"\nCOMP_POINT=${#COMP_LINE}\n");
    sb.append("f=$(complete -p lima | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')\n$f lima \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\" 2>/dev/null  # compopt complains outside a real TAB\n");
    sb.append("printf '%s\\n' \"${COMPREPLY[@]}\"\n");
    Path driver = tmp.resolve("driver.sh");
    Files.writeString(driver, sb.toString());
    Set<String> out = new TreeSet<>();
    for (String line : bash(driver.toString()).split("\n")) if (!line.isBlank()) out.add(line.strip());
    return out;
  }

  private static String bash(String... args) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no /bin/bash here");
    String[] cmd = new String[args.length + 1];
    cmd[0] = "/bin/bash";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
