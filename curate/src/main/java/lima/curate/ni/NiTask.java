package lima.curate.ni;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One Super-Natural Instructions task file ({@code tasks/taskNNN_<dataset>_<type>.json}): the fields
 * curation uses. {@code Definition} is a list of one string in current files and a plain string in
 * early ones; instance {@code id}s are missing in old revisions.
 */
public record NiTask(
    String name, List<String> categories, String definition, List<String> inputLanguages, List<String> outputLanguages, List<String> instructionLanguages, List<Instance> instances, List<String> license) {

  /** One instance: its id (or {@code <task>-<index>}), input and reference outputs. */
  public record Instance(String id, String input, List<String> outputs) {}

  /** Reads a parsed task file; throws IllegalArgumentException naming what is missing when it is not a task. */
  public static NiTask of(String name, JsonNode o) {
    if (!o.isObject()) throw new IllegalArgumentException("not a task file (expected a JSON object)");
    JsonNode def = o.get("Definition");
    JsonNode inst = o.get("Instances");
    if (def == null || inst == null || !inst.isArray())
      throw new IllegalArgumentException("not a task file (expected \"Definition\" and an \"Instances\" list)");
    String definition = def.isArray() ? String.join("\n", strings(def)) : def.asText();
    List<Instance> instances = new ArrayList<>();
    int i = 0;
    for (JsonNode x : inst) {
      String id = x.hasNonNull("id") ? x.get("id").asText() : name + "-" + i;
      String input = x.path("input").asText("");
      JsonNode out = x.get("output");
      List<String> outputs = out == null ? List.of() : out.isArray() ? strings(out) : List.of(out.asText());
      instances.add(new Instance(id, input, outputs));
      i++;
    }
    return new NiTask(
        name,
        strings(o.get("Categories")),
        definition,
        strings(o.get("Input_language")),
        strings(o.get("Output_language")),
        strings(o.get("Instruction_language")),
        instances,
        strings(o.get("Instance License")));
  }

  static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) return out;
    if (n.isArray()) {
      for (JsonNode x : n) if (x.isTextual()) out.add(x.asText());
    } else if (n.isTextual()) out.add(n.asText());
    return out;
  }
}
