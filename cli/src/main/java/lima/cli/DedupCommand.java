package lima.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lima.curate.dedup.Dedup;
import lima.curate.dedup.DedupConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima curate dedup}: exact and MinHash near-duplicate removal, optional decontamination. */
@Command(
    name = "dedup",
    mixinStandardHelpOptions = true,
    description = {
      "Drop exact duplicates (normalised text hash) and near-duplicates (MinHash over word shingles with Lucene, LSH banding),",
      "keeping one record per cluster; every dropped record goes to rejects.jsonl with its cluster, the kept id and the similarity."
    })
public final class DedupCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Parameters(arity = "1..*", paramLabel = "IN", description = "examples.jsonl files or run folders (their examples.jsonl).")
  List<Path> inputs;

  @Option(names = "--threshold", defaultValue = "0.8", description = "Estimated Jaccard similarity of shingle sets at or above which two records are near-duplicates (default ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--field", defaultValue = "both", description = "Text compared: prompt, response or both (default ${DEFAULT-VALUE}).")
  String field;

  @Option(names = "--keep", defaultValue = "highest-score", description = "Which record of a cluster survives: highest-score, longest or first (default ${DEFAULT-VALUE}); ties go to the earlier record.")
  String keep;

  @Option(names = "--num-hashes", defaultValue = "128", description = "MinHash signature length (default ${DEFAULT-VALUE}).")
  int numHashes;

  @Option(names = "--shingle", defaultValue = "3", description = "Words per shingle (default ${DEFAULT-VALUE}).")
  int shingle;

  @Option(names = "--bands", defaultValue = "0", description = "LSH bands; 0 = chosen from the threshold (default).")
  int bands;

  @Option(names = "--decontaminate", arity = "1..*", paramLabel = "FILE", description = "Test/dev example files or run folders: drop records whose prompt is a near-duplicate of one of their prompts.")
  List<Path> decontaminate = new ArrayList<>();

  @Option(names = "--contamination-threshold", defaultValue = "0.6", description = "Jaccard threshold for decontamination (default ${DEFAULT-VALUE}).")
  double contaminationThreshold;

  @Option(names = "--verify-z", defaultValue = "1.645", description = "Accept candidate pairs down to threshold - z standard errors of the MinHash estimate (default ${DEFAULT-VALUE}: 95%% recall at the threshold; 0 = cut exactly at it).")
  double verifyZ;

  @Override
  public Integer call() throws Exception {
    DedupConfig cfg = new DedupConfig(threshold, DedupConfig.Field.parse(field), DedupConfig.KeepRule.parse(keep), numHashes, shingle, bands, contaminationThreshold, verifyZ);
    Dedup.Result r = Dedup.run(cfg, inputs, decontaminate, run.toRunOptions(), run.threads(), run.ifChanged);
    return run.report(
        r,
        () ->
            String.format(
                Locale.ROOT,
                "kept %,d of %,d (exact duplicates %,d, near-duplicates %,d, contaminated %,d, bad %,d; %,d clusters) -> %s",
                r.kept(), r.read(), r.exact(), r.near(), r.contaminated(), r.bad(), r.clusters(), r.out()));
  }
}
