package lima.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import lima.curate.export.ExportFormat;
import lima.curate.export.Exporter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima export}: examples to the JSON Lines layouts of other trainers. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Convert examples to the JSON Lines layouts other trainers read (openai, sharegpt, alpaca).",
      "Input: our or the released LIMA JSON Lines. Output: openai {\"messages\":[{\"role\",\"content\"}]}, sharegpt {\"conversations\":[{\"from\":\"human\"|\"gpt\",\"value\"}]},"
          + " alpaca {\"instruction\",\"input\",\"output\"}. See docs/export.md."
    })
public final class ExportCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "JSON Lines examples, exported in order.")
  List<Path> files;

  @Option(names = {"-f", "--format"}, required = true, paramLabel = "FORMAT", description = "openai, sharegpt or alpaca.")
  ExportFormat format;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Output file, written atomically (default: standard output).")
  Path out;

  @Option(names = "--force", description = "Overwrite an existing --out file.")
  boolean force;

  @Option(names = "--multi-turn", defaultValue = "fold", paramLabel = "MODE", description = "alpaca only: fold (history as text in input), history (LLaMA-Factory \"history\" pairs), first (first exchange only) or skip (default: ${DEFAULT-VALUE}).")
  ExportFormat.MultiTurn multiTurn;

  @Option(names = "--system", paramLabel = "TEXT", description = "A system message put first in every conversation (openai, sharegpt).")
  String system;

  @Option(names = "--keep-unanswered", description = "Also write examples that end with a user turn (prompt files); they are skipped by default.")
  boolean keepUnanswered;

  @Option(names = "--max-errors", defaultValue = "-1", paramLabel = "N", description = "Stop after this many malformed input lines (-1: never; default ${DEFAULT-VALUE}).")
  long maxErrors;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var config = new Exporter.Config(format, multiTurn, system, keepUnanswered, maxErrors);
    PrintWriter stdout = spec.commandLine().getOut();
    Exporter.Result r = Exporter.export(config, files, out, force, stdout);
    // with the data on standard output, the summary goes to standard error
    PrintWriter summary = out == null ? spec.commandLine().getErr() : stdout;
    summary.printf(
        "exported %,d of %,d examples as %s (skipped: %,d without a response, %,d multi-turn; %,d bad lines) -> %s%n",
        r.written(), r.read(), format.name().toLowerCase(java.util.Locale.ROOT), r.noResponse(), r.multiTurnSkipped(), r.badLines(),
        out == null ? "stdout" : out);
    summary.flush();
    return 0;
  }
}
