package lima.curate.stackexchange;

import java.util.List;
import java.util.Map;
import java.util.Set;
import lima.core.Settings;

/**
 * Everything {@code lima curate stackexchange} can be told, checked on construction; the values named
 * in the messages are the command-line options.
 *
 * @param minScore an answer is used only when it is its question's top answer and scores at least this
 * @param minChars shortest answer kept (characters of cleaned Markdown)
 * @param maxChars longest answer kept
 * @param titleFraction chance that a question with a self-contained title gets its title as the prompt
 * @param perGroup pairs drawn per group (stem, other); 0 writes every passing pair
 * @param tau sampling temperature over sites
 * @param disabledFilters filter names switched off ({@code --no-filter})
 * @param referencePhrases phrases of the other-answers filter
 * @param firstPersonWords words of the first-person filter
 * @param siteGroups the site-to-group table
 * @param site a site name that overrides the one taken from the file name
 * @param threads worker threads for the join (the output does not depend on it)
 * @param maxBodyChars bodies of more HTML characters than this are not kept (the post is oversized)
 */
public record StackExchangeConfig(
    int minScore,
    int minChars,
    int maxChars,
    double titleFraction,
    int perGroup,
    double tau,
    Set<String> disabledFilters,
    List<String> referencePhrases,
    List<String> firstPersonWords,
    SiteGroups siteGroups,
    String site,
    int threads,
    int maxBodyChars) {

  /** Filter names {@code --no-filter} accepts. */
  public static final List<String> FILTERS =
      List.of(
          SiteFilter.NAME,
          ClosedQuestionFilter.NAME,
          CommunityWikiFilter.NAME,
          LockedFilter.NAME,
          EmptyBodyFilter.NAME,
          AnswerLengthFilter.NAME,
          FirstPersonFilter.NAME,
          OtherAnswersFilter.NAME);

  public static final int DEFAULT_MAX_BODY_CHARS = 1 << 18;

  public StackExchangeConfig {
    if (minChars < 0 || maxChars < minChars)
      throw new IllegalArgumentException("--min-chars/--max-chars: need 0 <= min <= max, got " + minChars + ".." + maxChars);
    if (!(titleFraction >= 0 && titleFraction <= 1))
      throw new IllegalArgumentException("--title-fraction must be in [0, 1], got " + titleFraction);
    if (perGroup < 0) throw new IllegalArgumentException("--per-group must be >= 0, got " + perGroup);
    if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("--tau must be > 0, got " + tau);
    if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
    if (maxBodyChars < 1) throw new IllegalArgumentException("max body chars must be >= 1, got " + maxBodyChars);
    disabledFilters = Set.copyOf(disabledFilters);
    for (String f : disabledFilters)
      if (!FILTERS.contains(f)) throw new IllegalArgumentException("--no-filter: unknown filter \"" + f + "\" (known: " + String.join(", ", FILTERS) + ")");
    referencePhrases = List.copyOf(referencePhrases);
    firstPersonWords = List.copyOf(firstPersonWords);
    if (siteGroups == null) siteGroups = SiteGroups.defaults();
  }

  /** The paper's settings: score >= 10, 1,200 to 4,096 characters, half title prompts, tau 3, all pairs. */
  public static StackExchangeConfig defaults() {
    return new StackExchangeConfig(
        10, 1200, 4096, 0.5, 0, 3.0, Set.of(), OtherAnswersFilter.PHRASES, FirstPersonFilter.WORDS, null, null, 1, DEFAULT_MAX_BODY_CHARS);
  }

  public StackExchangeConfig withThreads(int n) {
    return new StackExchangeConfig(minScore, minChars, maxChars, titleFraction, perGroup, tau, disabledFilters, referencePhrases, firstPersonWords, siteGroups, site, n, maxBodyChars);
  }

  public StackExchangeConfig withPerGroup(int n) {
    return new StackExchangeConfig(minScore, minChars, maxChars, titleFraction, n, tau, disabledFilters, referencePhrases, firstPersonWords, siteGroups, site, threads, maxBodyChars);
  }

  public StackExchangeConfig withDisabled(Set<String> names) {
    return new StackExchangeConfig(minScore, minChars, maxChars, titleFraction, perGroup, tau, names, referencePhrases, firstPersonWords, siteGroups, site, threads, maxBodyChars);
  }

  public StackExchangeConfig withSiteGroups(SiteGroups g) {
    return new StackExchangeConfig(minScore, minChars, maxChars, titleFraction, perGroup, tau, disabledFilters, referencePhrases, firstPersonWords, g, site, threads, maxBodyChars);
  }

  public StackExchangeConfig withMaxBodyChars(int n) {
    return new StackExchangeConfig(minScore, minChars, maxChars, titleFraction, perGroup, tau, disabledFilters, referencePhrases, firstPersonWords, siteGroups, site, threads, n);
  }

  /** The enabled filters, in the order they run (cheap flag checks before text checks). */
  public List<PairFilter> filters() {
    List<PairFilter> all =
        List.of(
            new SiteFilter(siteGroups),
            new ClosedQuestionFilter(),
            new CommunityWikiFilter(),
            new LockedFilter(),
            new EmptyBodyFilter(),
            new AnswerLengthFilter(minChars, maxChars),
            new FirstPersonFilter(firstPersonWords),
            new OtherAnswersFilter(referencePhrases));
    return all.stream().filter(f -> !disabledFilters.contains(f.name())).toList();
  }

  /**
   * The resolved configuration for the manifest and the fingerprint (threads left out: the output
   * does not depend on them).
   */
  public Map<String, Object> describe() {
    Map<String, Object> m = Settings.describe(this, "threads", "siteGroups");
    m.put("site_groups", siteGroups.origin());
    m.put("site_groups_sha256", siteGroups.digest());
    return m;
  }
}
