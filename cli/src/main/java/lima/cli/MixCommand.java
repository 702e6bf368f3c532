package lima.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import lima.curate.mix.Mix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lima curate mix}: the final train/dev/test split from curated sources, by a recipe. */
@Command(
    name = "mix",
    mixinStandardHelpOptions = true,
    description = {
      "Build train.jsonl, dev.jsonl, test.jsonl and DATACARD.md from curated run folders named by a recipe (quotas per source),",
      "deduplicated across sources and decontaminated against the dev/test prompts. Schema: docs/curate-mix.md."
    })
public final class MixCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Option(names = "--recipe", required = true, paramLabel = "FILE", description = "Recipe JSON, e.g. data/recipes/lima.json.")
  Path recipe;

  @Option(names = "--inputs", paramLabel = "DIR", description = "Folder the recipe's paths are relative to (default: the recipe's folder).")
  Path inputs;

  @Option(names = "--strict", description = "Fail (exit 3) when a source has fewer examples than its quota, instead of warning.")
  boolean strict;

  @Option(names = "--allow-missing", description = "Skip recipe entries whose input folder does not exist (reported as short of quota) instead of failing.")
  boolean allowMissing;

  @Option(names = "--tokenizer", paramLabel = "PATH", description = "tokenizer.model, tokenizer.json or a model folder: adds token counts to the data card's Table 1.")
  Path tokenizer;

  @Override
  public Integer call() throws Exception {
    Mix.Result r = Mix.run(new Mix.Options(recipe, inputs, strict, run.threads(), run.ifChanged, allowMissing, tokenizer, tokenizer == null ? null : TokenCounters.open(tokenizer)), run.toRunOptions());
    return run.report(
        r,
        () ->
            String.format(
                Locale.ROOT,
                "train %,d, dev %,d, test %,d (duplicates dropped %,d, contaminated %,d%s) -> %s",
                r.train(), r.dev(), r.test(), r.duplicates(), r.contaminated(),
                r.shortEntries().isEmpty() ? "" : "; " + r.shortEntries().size() + " entries short of quota, see DATACARD.md", r.out()));
  }
}
