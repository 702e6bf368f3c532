package lima.curate.mix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import lima.core.Example;
import lima.core.JsonlWriter;
import lima.core.RunDir;

/** Curated run folders as the source readers write them, with small random texts, for mix tests. */
public final class MixFixtures {
  private MixFixtures() {}

  static final String[] SITES = {"math.stackexchange.com", "physics.stackexchange.com", "cooking.stackexchange.com", "travel.stackexchange.com"};
  static final String LEAKED_TEST_PROMPT = "What is the most useful thing you learned from a grandparent that school never taught you";

  static String sentence(SplittableRandom r, String[] vocab, int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) sb.append(i == 0 ? "" : " ").append(vocab[r.nextInt(vocab.length)]);
    return sb.toString();
  }

  /** Writes the run folders under {@code root}; returns the ids planted as cross-source duplicate and contaminated. */
  public static Map<String, String> write(Path root) throws Exception {
    SplittableRandom r = new SplittableRandom(99);
    String[] vocab = new String[4000];
    for (int i = 0; i < vocab.length; i++) {
      char[] c = new char[4 + r.nextInt(6)];
      for (int j = 0; j < c.length; j++) c[j] = (char) ('a' + r.nextInt(26));
      vocab[i] = new String(c);
    }
    Map<String, List<Example>> runs = new HashMap<>();
    List<Example> se = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String site = SITES[i % SITES.length];
      String group = i % SITES.length < 2 ? "stem" : "other";
      se.add(Example.of("se-" + i, "stackexchange", sentence(r, vocab, 15), sentence(r, vocab, 120),
          Map.of("site", site, "group", group, "question_id", 1000 + i, "url", "https://" + site + "/questions/" + (1000 + i), "score", 50 - i)));
    }
    runs.put("stackexchange", se);
    List<Example> wh = new ArrayList<>();
    for (int i = 0; i < 20; i++)
      wh.add(Example.of("wh-" + i, "wikihow", "How to " + sentence(r, vocab, 5) + "?", sentence(r, vocab, 200), Map.of("category", i % 3 == 0 ? "Health" : "Travel")));
    // a cross-source duplicate: wikiHow article 5 copied into the authored set with punctuation changes
    runs.put("wikihow", wh);
    List<Example> wp = new ArrayList<>();
    for (int i = 0; i < 10; i++) wp.add(Example.of("wp-" + i, "writingprompts", sentence(r, vocab, 20), sentence(r, vocab, 150), Map.of("score", 900 - i)));
    runs.put("reddit", wp);
    List<Example> ni = new ArrayList<>();
    for (int i = 0; i < 8; i++) ni.add(Example.of("ni-" + i, "nlp", sentence(r, vocab, 60), sentence(r, vocab, 20), Map.of("task", "task" + i)));
    runs.put("natural-instructions", ni);
    List<Example> au = new ArrayList<>();
    Example copied = wh.get(5);
    au.add(Example.of("au-dup", "authors", copied.prompt().toUpperCase(), copied.response(), Map.of()));
    au.add(Example.of("au-leak", "authors", LEAKED_TEST_PROMPT + "?", sentence(r, vocab, 80), Map.of()));
    for (int i = 0; i < 10; i++) au.add(Example.of("au-" + i, "authors", sentence(r, vocab, 12), sentence(r, vocab, 80), Map.of()));
    runs.put("authored", au);
    List<Example> dev = new ArrayList<>();
    for (int i = 0; i < 4; i++) dev.add(Example.of("dev-" + i, "authors", sentence(r, vocab, 12), sentence(r, vocab, 40), Map.of()));
    runs.put("authored-dev", dev);
    List<Example> ask = new ArrayList<>();
    ask.add(new Example("ask-leak", "askreddit", List.of(LEAKED_TEST_PROMPT), Map.of()));
    for (int i = 0; i < 5; i++) ask.add(new Example("ask-" + i, "askreddit", List.of(sentence(r, vocab, 10) + "?"), Map.of()));
    runs.put("askreddit", ask);
    List<Example> at = new ArrayList<>();
    for (int i = 0; i < 6; i++) at.add(new Example("at-" + i, "authors", List.of(sentence(r, vocab, 14)), Map.of()));
    runs.put("authored-test", at);
    for (var e : runs.entrySet()) {
      Path dir = root.resolve(e.getKey());
      try (RunDir run = RunDir.open(new RunDir.Options(dir, true, 1, -1))) {
        run.input(writeRaw(root.resolve("raw/" + e.getKey() + ".txt")));
        try (JsonlWriter w = run.jsonl(RunDir.EXAMPLES)) {
          for (Example x : e.getValue()) w.write(x);
          w.commit();
        }
        run.stats().add("filter", "too_short", 3);
        run.reject("x", "filter", "first_person", Map.of());
        run.finish("curate " + e.getKey(), List.of(RunDir.EXAMPLES), "fp-" + e.getKey());
      }
    }
    return Map.of("duplicate", "au-dup", "contaminated", "au-leak");
  }

  private static Path writeRaw(Path p) throws Exception {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "raw dump stand-in for " + p.getFileName() + "\n");
    return p;
  }

  /** A recipe over the fixture folders. */
  public static Path recipe(Path dir, int seQuota) throws Exception {
    String json =
        """
        {
          "name": "fixture",
          "train": [
            {"name": "stackexchange-stem", "kind": "stackexchange", "path": "stackexchange", "where": {"group": "stem"}, "quota": %d, "select": "temperature", "strata": "site", "tau": 3},
            {"name": "stackexchange-other", "kind": "stackexchange", "path": "stackexchange", "where": {"group": ["other"]}, "quota": 5, "select": "order"},
            {"name": "wikihow", "kind": "wikihow", "path": "wikihow", "quota": 6, "select": "category-first"},
            {"name": "writingprompts", "kind": "reddit", "path": "reddit", "quota": 4, "select": "order"},
            {"name": "natural-instructions", "kind": "natural-instructions", "path": "natural-instructions", "quota": 3, "select": "random"},
            {"name": "authored", "kind": "authored", "path": "authored", "quota": 12, "select": "max-min"}
          ],
          "dev": [{"name": "authored-dev", "kind": "authored", "path": "authored-dev", "quota": 3}],
          "test": [
            {"name": "askreddit", "kind": "reddit", "path": "askreddit", "quota": 6},
            {"name": "authored-test", "kind": "authored", "path": "authored-test", "quota": 4}
          ]
        }
        """
            .formatted(seQuota);
    Path p = dir.resolve("recipe.json");
    Files.writeString(p, json);
    return p;
  }
}
