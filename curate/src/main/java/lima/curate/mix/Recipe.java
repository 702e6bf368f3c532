package lima.curate.mix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.UserException;
import lima.curate.select.Selector;

/**
 * A mix recipe (JSON; schema in docs/curate-mix.md): which curated run folders feed the train, dev
 * and test splits, with a quota and a selection rule each, and the dedup/decontamination settings.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Recipe(
    String name,
    String description,
    Dedup dedup,
    List<Entry> train,
    List<Entry> dev,
    List<Entry> test) {

  /** Dedup and decontamination settings; any omitted value takes the dedup default. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Dedup(
      Double threshold,
      String field,
      String keep,
      @JsonProperty("num_hashes") Integer numHashes,
      Integer shingle,
      @JsonProperty("contamination_threshold") Double contaminationThreshold,
      @JsonProperty("verify_z") Double verifyZ) {}

  /**
   * One input: a run folder (or examples file), optionally filtered by meta values, and how many
   * examples to take from it and how.
   *
   * @param name unique label used in stats, rejects and the data card
   * @param kind licence family: stackexchange, wikihow, reddit, natural-instructions, authored (default: guessed from the name)
   * @param path run folder (its examples.jsonl) or file, relative to the inputs folder
   * @param where meta key -> accepted value (a string or a list of strings)
   * @param quota how many examples to take
   * @param select order | random | max-min | mmr | temperature | category-first (see {@link Selector})
   * @param strata meta key (or keys {@code a|b}, the first present) for select=temperature (default "site")
   *     and category-first (default "category")
   * @param tau temperature for select=temperature (default 3)
   * @param lambda relevance weight for select=mmr (default 0.7)
   */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record Entry(
      String name,
      String kind,
      String path,
      Map<String, JsonNode> where,
      int quota,
      String select,
      String strata,
      Double tau,
      Double lambda) {

    public String kindOrGuess() {
      if (kind != null && !kind.isBlank()) return kind.toLowerCase(Locale.ROOT);
      String n = name.toLowerCase(Locale.ROOT);
      for (String k : List.of("stackexchange", "wikihow", "natural-instructions", "authored"))
        if (n.startsWith(k) || n.contains(k)) return k;
      if (n.contains("reddit") || n.contains("writingprompts")) return "reddit";
      return "other";
    }

    public String selectRule() {
      return select == null ? "order" : select.toLowerCase(Locale.ROOT);
    }

    /** The entry's sampling rule as a {@link Selector}. */
    public Selector selector() {
      return Selector.of(selectRule(), strata, tau, lambda);
    }

    /** The random stream of the entry's selection: {@code select/<name>}. */
    public String stream() {
      return "select/" + name;
    }

    /** True when the example's meta matches every {@code where} condition. */
    public boolean accepts(Map<String, Object> meta) {
      if (where == null) return true;
      for (var c : where.entrySet()) {
        Object v = meta.get(c.getKey());
        if (v == null) return false;
        String s = String.valueOf(v);
        JsonNode want = c.getValue();
        boolean ok = false;
        if (want.isArray()) {
          for (JsonNode w : want) ok |= w.asText().equals(s);
        } else {
          ok = want.asText().equals(s);
        }
        if (!ok) return false;
      }
      return true;
    }
  }

  public static final Set<String> RULES = Set.of("order", "random", "max-min", "mmr", "temperature", "category-first");

  public static Recipe read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new UserException(file + ": no such recipe file");
    Recipe r;
    try {
      r = Json.MAPPER.readValue(file.toFile(), Recipe.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      String msg = e.getOriginalMessage();
      long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw BadInputException.at(file, line, "not a valid recipe (" + msg.lines().findFirst().orElse(msg) + "); see docs/curate-mix.md");
    }
    r.validate(file);
    return r;
  }

  void validate(Path file) {
    if (train == null || train.isEmpty()) throw new BadInputException(file + ": the recipe has no \"train\" entries");
    Set<String> names = new HashSet<>();
    List<Entry> all = new ArrayList<>(train);
    if (dev != null) all.addAll(dev);
    if (test != null) all.addAll(test);
    for (Entry e : all) {
      if (e.name() == null || e.name().isBlank()) throw new BadInputException(file + ": an entry without \"name\"");
      if (!names.add(e.name())) throw new BadInputException(file + ": entry name '" + e.name() + "' is used twice");
      if (e.path() == null || e.path().isBlank()) throw new BadInputException(file + ": entry '" + e.name() + "' has no \"path\"");
      if (e.quota() < 0) throw new BadInputException(file + ": entry '" + e.name() + "' has a negative quota " + e.quota());
      if (!RULES.contains(e.selectRule()))
        throw new BadInputException(file + ": entry '" + e.name() + "': select must be one of " + new java.util.TreeSet<>(RULES) + ", got '" + e.select() + "'");
      if (e.tau() != null && !(e.tau() > 0)) throw new BadInputException(file + ": entry '" + e.name() + "': tau must be > 0");
      if (e.lambda() != null && !(e.lambda() >= 0 && e.lambda() <= 1)) throw new BadInputException(file + ": entry '" + e.name() + "': lambda must be in [0, 1]");
    }
  }

  public List<Entry> devEntries() {
    return dev == null ? List.of() : dev;
  }

  public List<Entry> testEntries() {
    return test == null ? List.of() : test;
  }
}
