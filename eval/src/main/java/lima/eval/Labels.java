package lima.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.UserException;

/**
 * Pairwise labels, one per (rater, prompt): {@code labels.jsonl} lines {@code
 * {"id":..,"rater":..,"label":"win|tie|loss","a":..,"b":..}}, the label from A's side. Written by
 * {@code eval pairwise} (rater {@code judge:<model>}) and {@code eval sheet import} (one rater per
 * sheet), read by {@code eval agreement}.
 */
public record Labels(String id, String rater, Outcome label, String a, String b) {
  public static final String FILE = "labels.jsonl";

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("rater", rater);
    m.put("label", label.label());
    m.put("a", a);
    m.put("b", b);
    return m;
  }

  /** Reads a labels file, or {@code DIR/labels.jsonl} when given a run folder. */
  public static List<Labels> read(Path fileOrDir) throws IOException {
    Path f = Files.isDirectory(fileOrDir) ? fileOrDir.resolve(FILE) : fileOrDir;
    if (!Files.isRegularFile(f)) throw new UserException(f + ": no such labels file");
    List<Labels> out = new ArrayList<>();
    Json.forEachLine(f, (no, n) -> {
      Outcome o = Outcome.parse(n.path("label").asText(null));
      if (!n.hasNonNull("id") || !n.hasNonNull("rater") || o == null)
        throw BadInputException.at(f, no, "expected {\"id\",\"rater\",\"label\":\"win|tie|loss\"}");
      out.add(new Labels(n.get("id").asText(), n.get("rater").asText(), o, n.path("a").asText(""), n.path("b").asText("")));
    });
    return out;
  }
}
