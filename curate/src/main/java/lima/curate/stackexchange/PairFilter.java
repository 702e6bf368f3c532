package lima.curate.stackexchange;

import lima.core.ExampleFilter;

/**
 * A named, switchable Stack Exchange filter: the stage protocol's {@link ExampleFilter} over
 * question/answer pairs (it sees the question's flags and scores as well as both texts).
 */
public interface PairFilter extends ExampleFilter<QaPair> {}
