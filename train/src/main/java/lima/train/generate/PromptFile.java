package lima.train.generate;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.UserException;

/**
 * Prompts to generate for, from a file: JSON Lines (the released LIMA {@code test.jsonl}, our {@code
 * examples.jsonl}, or records with a {@code prompt} field; read by {@link ExampleReader}) or plain text with
 * one prompt per line. A JSON record whose conversation ends with an assistant turn loses that turn (the
 * model writes it anew). Ids: the record's {@code id}, else {@code <file stem>-<line>} (JSON) or {@code
 * line-<n>} (text).
 */
public final class PromptFile {
  private PromptFile() {}

  /** One prompt: its id and the conversation so far (odd number of turns, ending with the user). */
  public record Prompt(String id, List<String> turns) {
    public Prompt {
      turns = List.copyOf(turns);
    }

    /** The last user turn (what a human reads as "the prompt"). */
    public String text() {
      return turns.get(turns.size() - 1);
    }
  }

  public static List<Prompt> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new UserException(file + ": no such prompt file");
    return isJsonLines(file) ? readJson(file) : readLines(file);
  }

  static boolean isJsonLines(Path file) throws IOException {
    String name = file.getFileName().toString();
    if (name.endsWith(".jsonl") || name.endsWith(".json")) return true;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        String t = line.strip();
        if (t.startsWith("\uFEFF")) t = t.substring(1);
        if (!t.isEmpty()) return t.startsWith("{");
      }
    }
    return false;
  }

  private static List<Prompt> readJson(Path file) throws IOException {
    List<Prompt> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (ExampleReader r = new ExampleReader(file)) {
      for (Example e : r) {
        List<String> turns = new ArrayList<>(e.conversations());
        if (turns.size() % 2 == 0) turns.remove(turns.size() - 1);
        if (!ids.add(e.id())) throw BadInputException.at(file, r.lineNumber(), "duplicate prompt id \"" + e.id() + "\"");
        out.add(new Prompt(e.id(), turns));
      }
    }
    return out;
  }

  private static List<Prompt> readLines(Path file) throws IOException {
    List<Prompt> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (i == 0 && l.startsWith("\uFEFF")) l = l.substring(1);
      if (l.isBlank()) continue;
      out.add(new Prompt("line-" + (i + 1), List.of(l)));
    }
    return out;
  }
}
