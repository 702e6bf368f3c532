package lima.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.SourceStats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima stats}: Table-1-style lengths per source. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Print count and average input/output lengths per source (Table 1 style).")
public final class StatsCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE.jsonl", description = "Examples (ours or the released LIMA files).")
  List<Path> files;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(names = "--tokenizer", paramLabel = "PATH", description = "tokenizer.model, tokenizer.json or a model folder: adds token counts (no BOS/EOS, each utterance alone).")
  Path tokenizer;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    SourceStats.TokenCounter counter = tokenizer == null ? null : TokenCounters.open(tokenizer);
    SourceStats stats = new SourceStats(counter);
    for (Path f : files) {
      try (ExampleReader r = new ExampleReader(f)) {
        r.forEach(stats::add);
      }
    }
    var out = spec.commandLine().getOut();
    if (json) out.println(Json.PRETTY.writeValueAsString(stats.toJson()));
    else out.print(stats.table());
    out.flush();
    return 0;
  }
}
