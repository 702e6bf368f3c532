package lima.train.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.AtomicFiles;
import lima.core.Json;
import lima.train.chat.ChatFormat;
import lima.train.safetensors.DType;

/**
 * Writes small, randomly initialised model folders for tests, demos and benchmarks: a {@code config.json},
 * {@code model.safetensors} (our writer) and a character-level {@code tokenizer.json} (ids 0..3 = {@code
 * <unk> <s> </s> <|eot|>}, then printable ASCII and newline) with its {@code tokenizer_config.json}. The
 * output is gibberish, but every code path (chat layout, EOT, stop reasons) runs as with a real model.
 */
public final class TinyModel {
  private TinyModel() {}

  /** Character vocabulary size: 4 specials + newline + 95 printable ASCII characters. */
  public static final int CHAR_VOCAB = 100;

  /** A tiny config over the character vocabulary. */
  public static LlamaConfig config(int maxPositions) {
    return new LlamaConfig(32, 2, 4, 2, 64, 1e-5, 10000.0, false, 1, List.of(2), maxPositions, CHAR_VOCAB, 8, "float32");
  }

  /** Writes a random model with {@code config} and the character tokenizer into {@code dir}. */
  public static void write(Path dir, LlamaConfig config, long seed) throws IOException {
    write(dir, config, seed, true);
  }

  /** As {@link #write(Path, LlamaConfig, long)}; without EOT, id 3 is an ordinary piece {@code <unused>}. */
  public static void write(Path dir, LlamaConfig config, long seed, boolean withEot) throws IOException {
    if (config.vocabSize() < CHAR_VOCAB) throw new IllegalArgumentException("vocab_size must be at least " + CHAR_VOCAB);
    try (NDManager m = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice(), "PyTorch");
        LlamaModel model = LlamaModel.random(config, m, seed)) {
      model.save(dir, DType.F32);
    }
    writeCharTokenizer(dir, withEot);
  }

  /** The character-level tokenizer.json (HF BPE without merges) and tokenizer_config.json. */
  public static void writeCharTokenizer(Path dir, boolean withEot) throws IOException {
    String[] specials = withEot ? new String[] {"<unk>", "<s>", "</s>", ChatFormat.EOT_TOKEN} : new String[] {"<unk>", "<s>", "</s>"};
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (String s : specials) vocab.put(s, vocab.size());
    if (!withEot) vocab.put("<unused>", vocab.size());
    vocab.put("\n", vocab.size());
    for (char c = 32; c < 127; c++) vocab.put(String.valueOf(c), vocab.size());
    List<Map<String, Object>> added = new ArrayList<>();
    for (int i = 0; i < specials.length; i++) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("id", i);
      a.put("content", specials[i]);
      a.put("single_word", false);
      a.put("lstrip", false);
      a.put("rstrip", false);
      a.put("normalized", false);
      a.put("special", true);
      added.add(a);
    }
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "BPE");
    model.put("dropout", null);
    model.put("unk_token", "<unk>");
    model.put("continuing_subword_prefix", null);
    model.put("end_of_word_suffix", null);
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("vocab", vocab);
    model.put("merges", List.of());
    Map<String, Object> tj = new LinkedHashMap<>();
    tj.put("version", "1.0");
    tj.put("truncation", null);
    tj.put("padding", null);
    tj.put("added_tokens", added);
    tj.put("normalizer", null);
    tj.put("pre_tokenizer", null);
    tj.put("post_processor", null);
    tj.put("decoder", Map.of("type", "Fuse"));
    tj.put("model", model);
    var plain = new com.fasterxml.jackson.databind.ObjectMapper();
    AtomicFiles.writeString(dir.resolve("tokenizer.json"), plain.writeValueAsString(tj) + "\n");
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("bos_token", "<s>");
    cfg.put("eos_token", "</s>");
    cfg.put("unk_token", "<unk>");
    if (withEot) {
      Map<String, Object> dec = new LinkedHashMap<>();
      dec.put("3", Map.of("content", ChatFormat.EOT_TOKEN, "special", true));
      cfg.put("added_tokens_decoder", dec);
    }
    AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), Json.PRETTY.writeValueAsString(cfg) + "\n");
  }
}
