package lima.curate.wikihow;

import lima.core.Verdict;

/**
 * When the inputs carry categories: drops articles with none, or with one the category table cannot map
 * to a top-level wikiHow category. Reasons: {@code no_category}, {@code unknown_category}; evidence: the category.
 */
public record CategoryFilter(WikiHowCategories categories) implements WikiHowFilter<String> {
  public static final String NAME = "category";

  public CategoryFilter {
    if (categories == null) throw new IllegalArgumentException("the category filter needs a category table");
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Tests an article's raw category (null when it has none). */
  @Override
  public Verdict test(String category) {
    if (category == null) return Verdict.drop("no_category");
    return categories.topLevel(category).isPresent() ? Verdict.KEEP : Verdict.drop("unknown_category", category);
  }
}
