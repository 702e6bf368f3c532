package lima.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesTest {
  @TempDir Path tmp;

  @Test
  void recordsComeWithTheirLineNumbersSkippingBomAndBlankLines() throws Exception {
    Path f = tmp.resolve("a.jsonl");
    Files.writeString(f, "\uFEFF{\"id\":1}\n\n  \n{\"id\":2}\n");
    List<String> seen = new ArrayList<>();
    Json.forEachLine(f, (no, n) -> seen.add(no + ":" + n.get("id").asInt()));
    assertEquals(List.of("1:1", "4:2"), seen);
  }

  @Test
  void aLineThatIsNotJsonNamesTheFileAndLine() throws Exception {
    Path f = tmp.resolve("b.jsonl");
    Files.writeString(f, "{\"id\":1}\n{\"id\": oops}\n");
    var e = assertThrows(BadInputException.class, () -> Json.forEachLine(f, (no, n) -> {}));
    assertTrue(e.getMessage().contains("b.jsonl") && e.getMessage().contains("2") && e.getMessage().contains("not valid JSON"), e.getMessage());
  }
}
