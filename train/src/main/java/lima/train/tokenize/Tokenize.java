package lima.train.tokenize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import com.fasterxml.jackson.databind.JsonNode;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.Json;
import lima.core.ExampleReader;
import lima.core.Progress;
import lima.core.RunDir;
import lima.core.UserException;
import lima.train.chat.ChatFormat;
import lima.train.data.TokenizedDataset;
import lima.train.data.TokenizedExample;
import lima.train.fit.Trainer;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;

/**
 * {@code lima tokenize}: conversations to token ids and trained masks with the model's chat layout
 * ({@link ChatFormat}), trimmed to {@code maxLen}, written as a {@link TokenizedDataset} with the
 * tokenizer (EOT added) in {@code OUT/tokenizer/} and {@code OUT/dataset.json} describing it.
 */
public final class Tokenize {
  private Tokenize() {}

  public static final String DATASET_JSON = "dataset.json";

  /**
   * What a run produced; {@code maxLen} is the length examples were trimmed at: {@code --max-len} or the
   * model's {@code max_position_embeddings}, whichever is smaller.
   */
  public record Result(int examples, long tokens, long trainedTokens, int trimmed, int maxLen, int eotId, int vocabSize) {}

  /**
   * The length examples are trimmed at: {@code asked}, or the model's {@code max_position_embeddings}
   * (from {@code config.json}) when that is smaller. This is the only place lima trims (docs/train.md).
   */
  public static int trimLength(Path modelDir, int asked) throws IOException {
    Path cfg = modelDir.resolve("config.json");
    if (!Files.isRegularFile(cfg)) return asked;
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(cfg.toFile());
    } catch (IOException e) {
      throw new BadInputException(cfg + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    int positions = n == null ? 0 : n.path("max_position_embeddings").asInt(0);
    return positions > 0 ? Math.min(asked, positions) : asked;
  }

  public static Result run(List<Path> inputs, Path modelDir, int askedMaxLen, RunDir run) throws IOException {
    if (askedMaxLen < 2) throw new UserException("--max-len must be >= 2, got " + askedMaxLen);
    int maxLen = trimLength(modelDir, askedMaxLen);
    Path out = run.out();
    Path tokDir = out.resolve(Trainer.DATA_TOKENIZER);
    int eot = EotToken.write(modelDir, tokDir);
    for (Path in : inputs) run.input(in);
    for (Path in : inputs) {
      Path up = (in.toAbsolutePath().getParent() == null ? in : in.toAbsolutePath().getParent()).resolve(RunDir.MANIFEST);
      if (Files.isRegularFile(up)) run.upstream(up);
    }
    run.config("model", modelDir.toString()).config("max-len", askedMaxLen).config("trimmed-at", maxLen).config("eot", ChatFormat.EOT_TOKEN);
    int count = 0, trimmed = 0;
    long tokens = 0, trainedTokens = 0;
    Map<String, long[]> perSource = new TreeMap<>();
    try (LimaTokenizer tok = Tokenizers.open(tokDir);
        TokenizedDataset.Writer w = new TokenizedDataset.Writer(out);
        Progress progress = Progress.count("tokenize", "examples", -1)) {
      ChatFormat chat = ChatFormat.of(tok);
      if (chat.eot() != eot) throw new IllegalStateException("chat layout uses EOT " + chat.eot() + ", the tokenizer " + eot);
      for (Path in : inputs) {
        try (ExampleReader r = new ExampleReader(in, (file, line, reason, text) -> {
              try {
                run.badRecord(file + ":" + line, reason, text);
              } catch (IOException x) {
                throw new java.io.UncheckedIOException(x);
              }
            })) {
          for (Example e : r) {
            if (e.conversations().size() < 2) {
              run.reject(e.id().isEmpty() ? in + ":" + r.lineNumber() : e.id(), "tokenize", "no_assistant_turn",
                  Map.of("where", in + ":" + r.lineNumber(), "turns", e.conversations().size()));
              continue;
            }
            ChatFormat.Rendered rd = chat.render(e.conversations());
            int n = Math.min(rd.length(), maxLen);
            int[] ids = java.util.Arrays.copyOf(rd.ids(), n);
            boolean[] m = java.util.Arrays.copyOf(rd.trained(), n);
            TokenizedExample te = new TokenizedExample(e.id().isEmpty() ? in.getFileName() + ":" + r.lineNumber() : e.id(), e.source(), ids, m, rd.length());
            w.add(te);
            count++;
            tokens += n;
            trainedTokens += te.trainedTokens();
            long[] s = perSource.computeIfAbsent(e.source().isEmpty() ? "(none)" : e.source(), k -> new long[4]);
            s[0]++;
            s[1] += n;
            s[2] += te.trainedTokens();
            if (te.trimmed()) {
              trimmed++;
              s[3]++;
              run.stats().inc("tokenize", "trimmed");
            }
            run.stats().inc("tokenize", "examples");
            progress.update(count, count);
          }
        }
      }
      w.commit();
      run.stats().add("tokenize", "tokens", tokens);
      run.stats().add("tokenize", "trained_tokens", trainedTokens);
      Map<String, Object> per = new TreeMap<>();
      perSource.forEach((k, v) -> per.put(k, Map.of("examples", v[0], "tokens", v[1], "trained_tokens", v[2], "trimmed", v[3])));
      run.stats().note("sources", per);
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("format", TokenizedDataset.FORMAT);
      d.put("examples", count);
      d.put("tokens", tokens);
      d.put("trained_tokens", trainedTokens);
      d.put("trimmed", trimmed);
      d.put("max_len", maxLen);
      d.put("vocab_size", tok.vocabSize());
      d.put("bos_id", chat.bos());
      d.put("eot_id", chat.eot());
      d.put("eot_token", ChatFormat.EOT_TOKEN);
      d.put("eos_id", tok.eos());
      d.put("layout", chat.describe());
      run.writeJson(DATASET_JSON, d);
      List<String> outputs = new java.util.ArrayList<>(w.files());
      outputs.add(DATASET_JSON);
      for (String f : EotToken.FILES) if (Files.isRegularFile(tokDir.resolve(f))) outputs.add(Trainer.DATA_TOKENIZER + "/" + f);
      run.finish("tokenize", outputs, null);
      return new Result(count, tokens, trainedTokens, trimmed, maxLen, eot, tok.vocabSize());
    }
  }
}
