package lima.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;

/** The evaluation prompts by id, in file order: the LIMA test file or our examples.jsonl. */
public final class Prompts {
  private Prompts() {}

  /** Prompt text by id; read with {@link ExampleReader}, so ids default to {@code <stem>-<line>}. */
  public static Map<String, String> read(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Example e : ExampleReader.readAll(file))
      if (out.put(e.id(), e.prompt()) != null) throw new BadInputException(file + ": prompt id \"" + e.id() + "\" appears twice");
    return out;
  }
}
