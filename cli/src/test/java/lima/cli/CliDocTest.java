package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.ExitCodes;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cli.md lists every exit code of {@link ExitCodes} (value and name) and every global option of lima. */
class CliDocTest {
  private static final Path DOC = Path.of(System.getProperty("lima.root", "..")).resolve("docs/cli.md");

  @Test
  void everyExitCodeIsDocumentedWithItsValue() throws Exception {
    String doc = Files.readString(DOC);
    int n = 0;
    for (Field f : ExitCodes.class.getFields()) {
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) continue;
      String row = "| " + f.getInt(null) + " | `" + f.getName() + "` |";
      assertTrue(doc.contains(row), "docs/cli.md has no row starting " + row);
      n++;
    }
    assertTrue(n >= 5, "ExitCodes has " + n + " codes");
  }

  @Test
  void everyGlobalOptionIsDocumented() throws Exception {
    String doc = Files.readString(DOC);
    for (CommandLine.Model.OptionSpec o : LimaCommand.commandLine().getCommandSpec().options())
      for (String name : o.names()) assertTrue(doc.contains("`" + name + "`"), "docs/cli.md does not name " + name);
  }
}
