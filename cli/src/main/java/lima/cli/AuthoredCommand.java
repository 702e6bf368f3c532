package lima.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lima.curate.authored.AuthoredCurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima curate authored}: hand-written examples, validated, as LIMA examples (source "authors"). */
@Command(
    name = "authored",
    mixinStandardHelpOptions = true,
    description = {
      "Validate hand-written examples and write them as LIMA examples (source \"authors\").",
      "Inputs: LIMA JSON Lines (.jsonl/.json) or Markdown (.md) with '## User' / '## Assistant' turns (see docs/curate-authored.md);"
          + " folders are searched for both (READMEs skipped).",
      "Invalid examples (turns not alternating user/assistant, empty turns, leftover template markers) go to rejects.jsonl"
          + " with file, line and reason; the run goes on unless --max-errors."
    })
public final class AuthoredCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Markdown or JSON Lines files, or folders of them.")
  List<Path> files;

  @Option(names = "--marker", paramLabel = "REGEX", description = "An extra template-marker pattern that makes an example invalid (repeatable; searched outside code).")
  List<String> markers = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    AuthoredCurator.Result r = AuthoredCurator.run(new AuthoredCurator.Config(markers), files, run.toRunOptions(), run.ifChanged);
    return run.report(r, () -> String.format(Locale.ROOT, "kept %,d of %,d authored examples (%,d invalid) -> %s", r.kept(), r.read(), r.rejected(), r.out()));
  }
}
