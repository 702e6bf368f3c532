package lima.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import lima.core.UserException;
import lima.curate.stackexchange.FirstPersonFilter;
import lima.curate.stackexchange.OtherAnswersFilter;
import lima.curate.stackexchange.SiteGroups;
import lima.curate.stackexchange.StackExchangeConfig;
import lima.curate.stackexchange.StackExchangeMode;
import lima.curate.stackexchange.StackExchangeCurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima curate stackexchange}: LIMA-style pairs from Stack Exchange dumps (docs/curate-stackexchange.md). */
@Command(
    name = "stackexchange",
    mixinStandardHelpOptions = true,
    description = {
      "Curate LIMA-style question/answer pairs from Stack Exchange dumps.",
      "DUMP: a site archive (coffee.stackexchange.com.7z, stackoverflow.com-Posts.7z), an extracted site folder, a Posts.xml,"
          + " or a folder of those."
    })
public final class StackExchangeCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Parameters(arity = "1..*", paramLabel = "DUMP", description = "Site archives, site folders or Posts.xml files.")
  List<Path> dumps;

  @Option(names = "--min-score", paramLabel = "N", defaultValue = "10", description = "Minimum score of the top answer (default: ${DEFAULT-VALUE}).")
  int minScore;

  @Option(names = "--min-chars", paramLabel = "N", defaultValue = "1200", description = "Shortest answer kept, in characters of cleaned Markdown (default: ${DEFAULT-VALUE}).")
  int minChars;

  @Option(names = "--max-chars", paramLabel = "N", defaultValue = "4096", description = "Longest answer kept (default: ${DEFAULT-VALUE}).")
  int maxChars;

  @Option(names = "--title-fraction", paramLabel = "F", defaultValue = "0.5", description = "Chance that a question with a self-contained title gets its title as the prompt; otherwise its body (default: ${DEFAULT-VALUE}).")
  double titleFraction;

  @Option(names = "--per-group", paramLabel = "N", defaultValue = "0", description = "Draw N pairs per group (stem, other) by temperature sampling over sites; 0 writes every passing pair (default: ${DEFAULT-VALUE}).")
  int perGroup;

  @Option(names = "--tau", paramLabel = "T", defaultValue = "3", description = "Sampling temperature: site weight = n^(1/tau) (default: ${DEFAULT-VALUE}).")
  double tau;

  @Option(names = "--site-groups", paramLabel = "FILE", description = "CSV site,group (stem|other|excluded) replacing the shipped table data/stackexchange/site-groups.csv.")
  Path siteGroups;

  @Option(names = "--site", paramLabel = "HOST", description = "Site name (e.g. coffee.stackexchange.com) when the file name does not say it; one dump only.")
  String site;

  @Option(names = "--no-filter", split = ",", paramLabel = "NAME", description = "Switch a filter off: site, closed, community-wiki, locked, empty, length, first-person, other-answers.")
  List<String> noFilter = new ArrayList<>();

  @Option(names = "--reference-phrases", paramLabel = "FILE", description = "Phrases of the other-answers filter, one a line (replaces the built-in list).")
  Path referencePhrases;

  @Option(names = "--first-person-words", paramLabel = "FILE", description = "Words of the first-person filter, one a line (replaces the built-in list).")
  Path firstPersonWords;

  @Option(names = "--unfiltered", description = "Quality ablation (paper section 5): a random answer per question, any score, none of the quality or style filters (the site table still applies); still HTML to Markdown.")
  boolean unfiltered;

  @Option(names = "--dialogues", paramLabel = "N", defaultValue = "-1", description = "Write multi-turn chains instead of pairs: question, top answer, then the asker/answerer comment thread under the answer (Comments.xml); N longest chains, 0 = all (paper section 6).")
  int dialogues;

  @Override
  public Integer call() throws IOException {
    StackExchangeConfig cfg;
    try {
      cfg =
          new StackExchangeConfig(
              minScore,
              minChars,
              maxChars,
              titleFraction,
              perGroup,
              tau,
              Set.copyOf(new HashSet<>(noFilter)),
              referencePhrases == null ? OtherAnswersFilter.PHRASES : lines(referencePhrases),
              firstPersonWords == null ? FirstPersonFilter.WORDS : lines(firstPersonWords),
              siteGroups == null ? SiteGroups.defaults() : SiteGroups.load(siteGroups),
              site,
              run.threads(),
              StackExchangeConfig.DEFAULT_MAX_BODY_CHARS);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    StackExchangeMode mode;
    try {
      mode = new StackExchangeMode(unfiltered, dialogues);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    var r = StackExchangeCurator.run(cfg, mode, dumps, run.toRunOptions(), run.ifChanged);
    return run.report(
        r,
        () -> String.format(Locale.ROOT, "kept %,d of %,d pairs (%,d rows, %,d bad) -> wrote %,d examples to %s", r.passed(), r.pairs(), r.rows(), r.badRecords(), r.written(), r.out()));
  }

  private static List<String> lines(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new UserException(file + ": no such file");
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      l = l.strip();
      if (!l.isEmpty() && !l.startsWith("#")) out.add(l);
    }
    if (out.isEmpty()) throw new UserException(file + ": no entries (one a line expected)");
    return out;
  }
}
