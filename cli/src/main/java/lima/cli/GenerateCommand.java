package lima.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import lima.core.UserException;
import lima.train.generate.GenerateOptions;
import lima.train.generate.Generation;
import lima.train.generate.Generator;
import lima.train.generate.PromptRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lima generate}: completions from a LLaMA model folder, one prompt or a whole prompt file. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate with a Hugging Face LLaMA folder (config.json, safetensors, tokenizer), sampling as the LIMA paper does by default.",
      "With --prompt the completion is printed to stdout as it is generated; with --prompts FILE --out FILE every prompt is answered into JSON Lines (re-running skips prompts already answered)."
    })
public final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder.")
  Path model;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "One prompt (wrapped in the chat layout unless --raw; \"\" starts from BOS alone).")
  String prompt;

  @Option(names = "--prompts", paramLabel = "FILE", description = "Prompt file: LIMA test JSON Lines, our examples.jsonl, or one prompt per line.")
  Path prompts;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "JSON Lines output for --prompts (appended to; answered prompts are skipped).")
  Path out;

  @Option(names = "--max-new-tokens", defaultValue = "2048", paramLabel = "N", description = "At most N new tokens (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--temperature", defaultValue = "0.7", paramLabel = "T", description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
  float temperature;

  @Option(names = "--top-p", defaultValue = "0.9", paramLabel = "P", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
  float topP;

  @Option(names = "--repetition-penalty", defaultValue = "1.2", paramLabel = "R", description = "Penalty on tokens already generated; 1 = none (default: ${DEFAULT-VALUE}).")
  float repetitionPenalty;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Sampling seed (default: ${DEFAULT-VALUE}); with --prompts each prompt uses a seed derived from S and its id.")
  long seed;

  @Option(names = "--stop", paramLabel = "TEXT", description = "Stop when the completion contains TEXT (repeatable); the text is cut before it.")
  List<String> stop;

  @Option(names = "--raw", description = "No chat layout: the prompt is BOS + text, continued as plain text.")
  boolean raw;

  @Mixin PlacementOptions dev;

  @Option(names = "--batch", paramLabel = "N", description = "With --prompts: answer N prompts at once in one decoding loop; answers do not depend on N (default: as many as memory holds, at most 16).")
  Integer batch;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if ((prompt == null) == (prompts == null)) throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --prompt TEXT or --prompts FILE");
    if (prompts != null && out == null) throw new CommandLine.ParameterException(spec.commandLine(), "--prompts needs --out FILE");
    if (batch != null && prompts == null) throw new CommandLine.ParameterException(spec.commandLine(), "--batch goes with --prompts");
    if (batch != null && batch < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
    if (prompt != null && out != null) throw new CommandLine.ParameterException(spec.commandLine(), "--out goes with --prompts (a single --prompt prints to stdout)");
    GenerateOptions options;
    try {
      options = new GenerateOptions(maxNewTokens, temperature, topP, repetitionPenalty, seed, stop == null ? List.of() : stop, raw);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Generator g = Generator.open(model, dev.placement())) {
      if (prompt != null) {
        Generation gen = g.generate(prompt, options, (id, delta) -> {
          o.print(delta);
          o.flush();
          return true;
        });
        o.println();
        o.flush();
        err.printf(Locale.ROOT, "%d prompt + %d new tokens, %.1f tokens/s, finish: %s%n", gen.promptTokens(), gen.completionTokens(), gen.tokensPerSecond(), gen.finishReason().id());
      } else {
        PromptRun.Result r = PromptRun.run(g, prompts, out, options, batch != null ? batch : PromptRun.defaultBatch(g));
        o.printf(Locale.ROOT, "answered %,d of %,d prompts (%,d already done), %,d tokens, %.1f tokens/s -> %s%n", r.generated(), r.prompts(), r.skipped(), r.completionTokens(), r.tokensPerSecond(), r.out());
      }
      err.flush();
      o.flush();
    }
    return 0;
  }
}
