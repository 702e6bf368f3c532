package lima.curate.stackexchange;

import lima.core.Verdict;

/**
 * Drops pairs from sites the site table excludes (meta sites, non-English sites) or does not list.
 * Reasons: {@code site_excluded}, {@code site_not_in_table}; the evidence is the site.
 */
public record SiteFilter(SiteGroups groups) implements PairFilter {
  public static final String NAME = "site";

  public SiteFilter {
    if (groups == null) throw new IllegalArgumentException("the site filter needs a site table");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Verdict test(QaPair p) {
    return switch (groups.group(p.site())) {
      case SiteGroups.EXCLUDED -> Verdict.drop("site_excluded", p.site());
      case SiteGroups.UNLISTED -> Verdict.drop("site_not_in_table", p.site());
      default -> Verdict.KEEP;
    };
  }
}
