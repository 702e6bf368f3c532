package lima.train.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import lima.train.chat.ChatFormat;
import lima.train.safetensors.SafetensorsCheckpoint;
import lima.train.safetensors.TensorInfo;
import lima.train.tokenizer.LimaTokenizer;
import lima.train.tokenizer.Tokenizers;

/**
 * What {@code lima model info DIR} reports about a Hugging Face LLaMA folder, read from config.json, the
 * safetensors headers (names and shapes checked, no weights loaded) and the tokenizer.
 *
 * @param storedDtypes tensor count per stored dtype
 * @param fp32Bytes memory of the weights once loaded (always fp32 here)
 * @param kvCacheBytes fp32 KV cache for a full context at batch 1
 * @param trainingBytes rough fp32 training footprint: weights, gradients and two AdamW moments (4x weights), activations not counted
 */
public record ModelInfo(
    Path dir,
    LlamaConfig config,
    long parameters,
    Map<String, Integer> storedDtypes,
    long fileBytes,
    int shards,
    String tokenizerKind,
    Path tokenizerFile,
    int tokenizerVocab,
    Map<String, Integer> specialTokens,
    String chatLayout,
    long fp32Bytes,
    long kvCacheBytes,
    long trainingBytes) {

  public static ModelInfo of(Path dir) throws IOException {
    LlamaConfig c = LlamaConfig.read(dir);
    Map<String, Integer> dtypes = new TreeMap<>();
    long bytes = 0;
    int shards;
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(dir)) {
      LlamaModel.check(c, ck);
      for (TensorInfo t : ck.tensors().values()) dtypes.merge(t.dtype().name(), 1, Integer::sum);
      for (Path p : ck.files()) bytes += Files.size(p);
      shards = ck.files().size();
    }
    try (LimaTokenizer tok = Tokenizers.open(dir)) {
      long params = c.parameterCount();
      return new ModelInfo(dir, c, params, dtypes, bytes, shards, tok.kind(), tok.source(), tok.vocabSize(), new LinkedHashMap<>(tok.specialTokens()),
          ChatFormat.of(tok).describe(), params * 4, c.kvCacheBytes(c.maxPositionEmbeddings()), params * 16);
    }
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dir", dir.toString());
    m.put("architecture", "LlamaForCausalLM");
    m.put("config", config.toJson());
    m.put("parameters", parameters);
    m.put("stored_dtypes", storedDtypes);
    m.put("file_bytes", fileBytes);
    m.put("shards", shards);
    m.put("tokenizer", Map.of("kind", tokenizerKind, "file", tokenizerFile.toString(), "vocab", tokenizerVocab));
    m.put("special_tokens", specialTokens);
    m.put("chat_layout", chatLayout);
    m.put("memory", Map.of("weights_fp32_bytes", fp32Bytes, "kv_cache_full_context_bytes", kvCacheBytes, "training_fp32_adamw_bytes", trainingBytes));
    return m;
  }

  /** Human-readable lines. */
  public String describe() {
    LlamaConfig c = config;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "model:        %s%n", dir));
    sb.append(String.format(Locale.ROOT, "architecture: LlamaForCausalLM, %d layers, hidden %d, %d heads (%d key/value, head dim %d), MLP %d, vocab %,d, context %,d%n",
        c.numHiddenLayers(), c.hiddenSize(), c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.intermediateSize(), c.vocabSize(), c.maxPositionEmbeddings()));
    sb.append(String.format(Locale.ROOT, "              rms_norm_eps %s, rope_theta %s, %s embeddings%n", c.rmsNormEps(), c.ropeTheta(), c.tieWordEmbeddings() ? "tied" : "separate input/output"));
    sb.append(String.format(Locale.ROOT, "parameters:   %,d (%s)%n", parameters, human(parameters, 1000, "")));
    sb.append(String.format(Locale.ROOT, "dtype:        config %s; stored %s in %d file%s (%s); computed in fp32%n", c.torchDtype(), storedDtypes, shards, shards == 1 ? "" : "s", human(fileBytes, 1024, "B")));
    sb.append(String.format(Locale.ROOT, "tokenizer:    %s (%s), %,d tokens%n", tokenizerKind, tokenizerFile.getFileName(), tokenizerVocab));
    sb.append(String.format(Locale.ROOT, "special:      %s%n", specialTokens));
    sb.append(String.format(Locale.ROOT, "chat layout:  %s%n", chatLayout));
    sb.append(String.format(Locale.ROOT, "memory:       weights %s fp32; KV cache %s at %,d positions; training with AdamW ~%s plus activations%n",
        human(fp32Bytes, 1024, "B"), human(kvCacheBytes, 1024, "B"), c.maxPositionEmbeddings(), human(trainingBytes, 1024, "B")));
    return sb.toString();
  }

  static String human(long v, int base, String unit) {
    String[] u = base == 1024 ? new String[] {"", "Ki", "Mi", "Gi", "Ti"} : new String[] {"", "K", "M", "B", "T"};
    double x = v;
    int i = 0;
    while (x >= base && i < u.length - 1) {
      x /= base;
      i++;
    }
    return i == 0 ? v + (unit.isEmpty() ? "" : " " + unit) : String.format(Locale.ROOT, "%.1f %s%s", x, u[i], unit);
  }
}
