package lima.curate.ni;

import lima.core.ExampleFilter;

/** A Super-Natural Instructions filter: the stage protocol's {@link ExampleFilter} over task files. */
public interface NiFilter extends ExampleFilter<NiTask> {}
