package lima.curate.mix;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import lima.core.AtomicFiles;
import lima.core.BuildInfo;
import lima.core.Example;
import lima.core.Hashing;
import lima.core.RunDir;
import lima.core.SourceStats;
import lima.curate.dedup.Dedup;
import lima.curate.dedup.DedupConfig;
import lima.curate.diversity.DiversityReport;

/** DATACARD.md of a mix: what is in it, where it came from, what was filtered, and under which licences. */
final class DataCard {
  private DataCard() {}

  static void write(RunDir run, Recipe recipe, Path recipeFile, SourceStats.TokenCounter tokens, DedupConfig cfg, Mix.Result result, List<Example> train, List<Example> dev,
      List<Example> test, Map<Recipe.Entry, Dedup.Input> files, DiversityReport diversity, List<String> warnings) throws IOException {
    StringBuilder sb = new StringBuilder();
    String name = recipe.name() == null ? "mix" : recipe.name();
    sb.append("# Data card: ").append(name).append("\n\n");
    if (recipe.description() != null) sb.append(recipe.description()).append("\n\n");
    sb.append(String.format(Locale.ROOT, "Built by lima %s (commit %s) with `lima curate mix`, seed %d, from recipe `%s` (sha256 %s).%n%n",
        BuildInfo.version(), BuildInfo.commit(), run.seed(), recipeFile, Hashing.sha256(recipeFile)));
    sb.append(String.format(Locale.ROOT, "| split | examples | file |%n|---|---:|---|%n| train | %d | %s |%n| dev | %d | %s |%n| test | %d | %s |%n%n",
        train.size(), Mix.TRAIN, dev.size(), Mix.DEV, test.size(), Mix.TEST));
    if (!warnings.isEmpty()) {
      sb.append("## Warnings\n\n");
      for (String w : warnings) sb.append("- **").append(w).append("**\n");
      sb.append('\n');
    }
    sb.append("## Composition (paper Table 1 style)\n\n");
    sb.append("| split | entry | kind | where | quota | rule | read | after dedup | selected |\n|---|---|---|---|---:|---|---:|---:|---:|\n");
    for (Mix.EntryResult r : result.entries()) {
      Recipe.Entry e = r.entry();
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %s | %d | %s | %d%s |%n", r.split(), e.name(), e.kindOrGuess(),
          e.where() == null ? "" : e.where().toString().replace("|", "\\|"), e.quota(), e.selectRule(), r.read(),
          r.split().equals("train") ? String.valueOf(r.available()) : "-", r.selected(), r.shortBy() > 0 ? " (short " + r.shortBy() + ")" : ""));
    }
    sb.append(tokens == null
        ? "\nLengths per source (characters and whitespace-separated words; `--tokenizer` adds LLaMA token counts):\n\n"
        : "\nLengths per source (characters, whitespace-separated words, and tokens of the given tokenizer, no BOS/EOS):\n\n");
    for (var split : List.of(Map.entry("train", train), Map.entry("dev", dev), Map.entry("test", test))) {
      SourceStats s = new SourceStats(tokens);
      split.getValue().forEach(s::add);
      sb.append("**").append(split.getKey()).append("**\n\n```\n").append(s.table()).append("```\n\n");
    }
    sb.append("## Filters\n\n");
    sb.append(String.format(Locale.ROOT,
        "Cross-source dedup of the train pool (%s): %d dropped as duplicates. Decontamination of train prompts against the dev and test prompts "
            + "(Jaccard >= %.2f, accepted from an estimate of %.4f): %d dropped. Every dropped example is in `rejects.jsonl` with its reason, "
            + "the example it duplicates or the test prompt it matches, and the similarity.%n%n",
        cfg.describe(), result.duplicates(), cfg.contaminationThreshold(), cfg.contaminationCut(), result.contaminated()));
    sb.append("Filters of each input run (from its `stats.json`: stage, reason, count):\n\n");
    Set<Path> seen = new LinkedHashSet<>();
    for (var fe : files.entrySet()) {
      Dedup.Input in = fe.getValue();
      if (!seen.add(in.examples())) continue;
      // The path as the recipe names it (relative to --inputs), so the card does not depend on where
      // the inputs happen to live.
      sb.append("- `").append(fe.getKey().path()).append("`");
      Map<String, Object> st = Mix.upstreamStats(in.examples());
      if (st.isEmpty()) {
        sb.append(": no stats.json\n");
        continue;
      }
      sb.append('\n');
      for (var stage : st.entrySet()) {
        if (stage.getValue() instanceof Map<?, ?> m) {
          List<String> parts = new ArrayList<>();
          new TreeMap<>(m).forEach((k, v) -> parts.add(k + " " + v));
          sb.append("  - ").append(stage.getKey()).append(": ").append(String.join(", ", parts)).append('\n');
        }
      }
    }
    sb.append("\n## Diversity of train\n\n");
    sb.append(String.format(Locale.ROOT, "Prompt cosine similarity (TF-IDF): mean %.4f, min %.4f, max %.4f over %s%,d pairs; %d duplicate clusters left. See `diversity.md`.%n%n",
        diversity.meanSimilarity(), diversity.minSimilarity(), diversity.maxSimilarity(), diversity.sampled() ? "a sample of " : "", diversity.pairs(),
        diversity.duplicateClusters()));
    sb.append("## Licences and attribution\n\n");
    Set<String> kinds = new LinkedHashSet<>();
    for (Recipe.Entry e : files.keySet()) kinds.add(e.kindOrGuess());
    for (String k : kinds) {
      Licences.Licence l = Licences.of(k);
      sb.append("- **").append(k).append("** (").append(l.name()).append("): ").append(l.text()).append('\n');
    }
    sb.append("\n").append(Licences.LIMA_NOTE).append("\n\n");
    // Links per source: Stack Exchange posts need attribution under CC BY-SA; other sources that carry a
    // link (Reddit posts) are listed under their own heading.
    Map<String, List<String>> links = new TreeMap<>();
    for (var split : List.of(Map.entry("train", train), Map.entry("dev", dev), Map.entry("test", test)))
      for (Example e : split.getValue()) {
        String url = url(e);
        if (url != null)
          links.computeIfAbsent(e.source(), k -> new ArrayList<>())
              .add(String.format(Locale.ROOT, "- %s `%s`: <%s>%s", split.getKey(), e.id(), url, author(e)));
      }
    for (var en : links.entrySet()) {
      sb.append(en.getKey().equals("stackexchange")
          ? "### Stack Exchange posts used (CC BY-SA; attribution by link)\n\n"
          : "### Posts used from source `" + en.getKey() + "` (links)\n\n");
      for (String l : en.getValue()) sb.append(l).append('\n');
      sb.append('\n');
    }
    sb.append("## Provenance\n\n`manifest.json` records the sha256 of every input and output and embeds the manifest of every input run ")
        .append("(`upstream`), which in turn names the raw dump files and their sha256.\n");
    AtomicFiles.writeString(run.file(Mix.DATACARD), sb.toString());
  }

  /** The post link of a Stack Exchange example: meta.url, else https://SITE/questions/ID. */
  static String url(Example e) {
    Object u = e.meta().get("url");
    if (u != null && !String.valueOf(u).isBlank()) return String.valueOf(u);
    Object site = e.meta().get("site"), q = e.meta().get("question_id");
    if (site != null && q != null) return "https://" + site + "/questions/" + q;
    return null;
  }

  private static String author(Example e) {
    for (String k : List.of("answer_author", "author", "answer_owner")) {
      Object a = e.meta().get(k);
      if (a != null) return " (answer by " + a + ")";
    }
    return "";
  }
}
