package lima.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import lima.core.RunDir;
import lima.core.UserException;
import lima.train.data.TokenizedDataset;
import lima.train.fit.Trainer;
import lima.train.tokenize.Render;
import lima.train.tokenize.Tokenize;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lima tokenize}: conversations to token ids and trained masks (memory-mapped shards). */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Tokenize conversations with the model's chat layout (BOS, each utterance + <|eot|>); the loss mask covers assistant turns and their EOT.",
      "With --render N and no --out: show N examples of an existing tokenized folder with the trained spans marked."
    })
public final class TokenizeCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "DATA.jsonl|DIR", description = "Examples (JSON Lines), or with --render alone a tokenized folder.")
  List<Path> inputs;

  @Option(names = "--model", paramLabel = "DIR", description = "Model folder (tokenizer.json or tokenizer.model and their config files).")
  Path model;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder for the tokenized dataset.")
  Path out;

  @Option(names = "--max-len", defaultValue = "2048", description = "Trim longer sequences to this many tokens, or to the model's max_position_embeddings when that is smaller (counted; default ${DEFAULT-VALUE}).")
  int maxLen;

  @Option(names = "--render", paramLabel = "N", defaultValue = "0", description = "Print N examples with trained spans marked (colour on a terminal, [[brackets]] otherwise).")
  int render;

  @Option(names = "--force", description = "Overwrite a non-empty output folder.")
  boolean force;

  @Option(names = "--max-errors", defaultValue = "-1", description = "Stop after this many malformed input lines (-1: never).")
  long maxErrors;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var w = spec.commandLine().getOut();
    Path shown;
    if (out != null) {
      if (model == null) throw new UserException("--model is required to tokenize");
      Tokenize.Result r;
      try (RunDir run = RunDir.open(new RunDir.Options(out, force, 0, maxErrors))) {
        r = Tokenize.run(inputs, model, maxLen, run);
      }
      w.printf("tokenized %,d examples: %,d tokens, %,d trained, %,d trimmed at %d; EOT id %d -> %s%n",
          r.examples(), r.tokens(), r.trainedTokens(), r.trimmed(), r.maxLen(), r.eotId(), out);
      if (r.maxLen() < maxLen) w.printf("trimmed at %d, not --max-len %d: the model takes at most %d positions%n", r.maxLen(), maxLen, r.maxLen());
      shown = out;
    } else {
      if (render <= 0) throw new UserException("--out is required (or --render N with a tokenized folder)");
      if (inputs.size() != 1) throw new UserException("--render without --out takes one tokenized folder");
      shown = inputs.get(0);
    }
    if (render > 0) {
      try (TokenizedDataset ds = TokenizedDataset.open(shown); LimaTokenizer tok = Tokenizers.open(shown.resolve(Trainer.DATA_TOKENIZER))) {
        w.print(Render.render(ds, tok, render, Boolean.getBoolean("lima.tty")));
      }
    }
    w.flush();
    return 0;
  }
}
