package lima.curate.wikihow;

import lima.core.ExampleFilter;

/** A wikiHow filter: the stage protocol's {@link ExampleFilter} over what it measures of an article. */
public interface WikiHowFilter<R> extends ExampleFilter<R> {}
