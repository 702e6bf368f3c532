package lima.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lima.core.RunDir;
import lima.curate.wikihow.ArticleFormatter;
import lima.curate.wikihow.WikiHowCurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima curate wikihow}: wikiHow articles to LIMA examples, sampled category-first. */
@Command(
    name = "wikihow",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild wikiHow articles as LIMA examples (\"How to ...?\" + intro, ## methods, numbered steps) and sample them"
          + " category-first over the 19 top-level categories (title clusters when the input has no categories).",
      "Inputs: wikihowAll.csv, wikihowSep.csv, step CSVs (title,heading,paragraph[,category,...]) or JSON Lines articles."
    })
public final class WikiHowCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "wikiHow CSV or JSON Lines files.")
  List<Path> files;

  @Option(names = "--count", defaultValue = "0", description = "Articles to draw, category first (the mix's rule for wikiHow); 0 = every eligible article (default ${DEFAULT-VALUE}: lima curate mix applies the quota). Fewer eligible: a warning and exit code 4.")
  int count;

  @Option(names = "--prune-sections", split = ",", paramLabel = "NAME", description = "Sections to drop (comma-separated; replaces the default list: ${DEFAULT-VALUE}).")
  List<String> prune = ArticleFormatter.DEFAULT_PRUNE;

  @Option(names = "--min-chars", defaultValue = "800", description = "Shortest response kept, in characters (default ${DEFAULT-VALUE}).")
  int minChars;

  @Option(names = "--max-chars", defaultValue = "20000", description = "Longest response kept, in characters (default ${DEFAULT-VALUE}).")
  int maxChars;

  @Option(names = "--category-map", paramLabel = "TSV", description = "Extra 'sub-category<TAB>top-level' lines added to the shipped table.")
  Path categoryMap;

  @Option(names = "--clusters", defaultValue = "19", description = "Title clusters used as strata when no input has categories (default ${DEFAULT-VALUE}).")
  int clusters;

  @Override
  public Integer call() throws Exception {
    var c = new WikiHowCurator.Config(count, prune, minChars, maxChars, categoryMap, clusters, run.threads());
    RunDir.Options o = run.toRunOptions();
    WikiHowCurator.Result r = WikiHowCurator.run(c, files, o, run.ifChanged);
    return run.report(r, () -> String.format(Locale.ROOT, "kept %,d of %,d articles (stratified by %s) -> %s", r.kept(), r.articles(), r.stratifiedBy(), r.out()));
  }
}
