package lima.eval.judge;

import java.util.LinkedHashMap;
import java.util.Map;
import lima.core.Hashing;

/**
 * A versioned judge prompt: a stable id (bumped whenever the wording changes), the system message and
 * a user template with {@code {question}}, {@code {response}}, {@code {response_1}}, {@code
 * {response_2}} slots. Its sha256 (of system + template) goes into every manifest so a result names
 * the exact wording that produced it.
 */
public record JudgePrompt(String id, String system, String template) {

  public String sha256() {
    return Hashing.sha256(system + "\n\u0000\n" + template);
  }

  /** Fills the slots (literal replacement: braces inside the filled texts stay as they are). */
  public String fill(Map<String, String> slots) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        out.append(template, i, template.length());
        break;
      }
      int close = template.indexOf('}', open);
      String name = close < 0 ? null : template.substring(open + 1, close);
      if (name != null && slots.containsKey(name)) {
        out.append(template, i, open).append(slots.get(name));
        i = close + 1;
      } else {
        out.append(template, i, open + 1);
        i = open + 1;
      }
    }
    return out.toString();
  }

  /** id and sha256, for manifests and reports. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("sha256", sha256());
    return m;
  }
}
