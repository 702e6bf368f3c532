package lima.train.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.AtomicFiles;
import lima.core.BadInputException;
import lima.core.Json;

/**
 * The architecture of a Hugging Face {@code LlamaForCausalLM}, read from {@code config.json}; it checks
 * itself (positive sizes, heads dividing the hidden size, key/value heads dividing the heads).
 *
 * @param eosTokenIds one or more end-of-sequence ids ({@code eos_token_id} may be a list)
 * @param headDim {@code head_dim} when given, else hidden size / heads
 * @param torchDtype the stored dtype named by the config ("float32", "bfloat16", "float16"); we always compute in fp32
 */
public record LlamaConfig(
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int intermediateSize,
    double rmsNormEps,
    double ropeTheta,
    boolean tieWordEmbeddings,
    int bosTokenId,
    List<Integer> eosTokenIds,
    int maxPositionEmbeddings,
    int vocabSize,
    int headDim,
    String torchDtype) {

  public static final String FILE = "config.json";

  public LlamaConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    check(hiddenSize > 0, "hidden_size must be positive: " + hiddenSize);
    check(numHiddenLayers > 0, "num_hidden_layers must be positive: " + numHiddenLayers);
    check(numAttentionHeads > 0, "num_attention_heads must be positive: " + numAttentionHeads);
    check(numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
        "num_key_value_heads (" + numKeyValueHeads + ") must divide num_attention_heads (" + numAttentionHeads + ")");
    check(headDim > 0 && headDim % 2 == 0, "head_dim must be positive and even: " + headDim);
    check(intermediateSize > 0, "intermediate_size must be positive: " + intermediateSize);
    check(rmsNormEps > 0 && rmsNormEps < 1, "rms_norm_eps must be in (0, 1): " + rmsNormEps);
    check(ropeTheta > 0, "rope_theta must be positive: " + ropeTheta);
    check(maxPositionEmbeddings > 0, "max_position_embeddings must be positive: " + maxPositionEmbeddings);
    check(vocabSize > 0, "vocab_size must be positive: " + vocabSize);
    check(bosTokenId >= -1 && bosTokenId < vocabSize, "bos_token_id " + bosTokenId + " is outside the vocabulary of " + vocabSize);
    for (int e : eosTokenIds) check(e >= 0 && e < vocabSize, "eos_token_id " + e + " is outside the vocabulary of " + vocabSize);
    torchDtype = torchDtype == null ? "float32" : torchDtype;
  }

  private static void check(boolean ok, String msg) {
    if (!ok) throw new IllegalArgumentException(msg);
  }

  /** A config with the usual defaults (rope_theta 10000, eps 1e-5, bos 1, eos 2, head_dim = hidden / heads). */
  public static LlamaConfig of(int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab, int maxPos, boolean tied) {
    return new LlamaConfig(hidden, layers, heads, kvHeads, intermediate, 1e-5, 10000.0, tied, 1, List.of(2), maxPos, vocab, hidden / heads, "float32");
  }

  public int kvGroups() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** The first EOS id, or -1. */
  public int eosTokenId() {
    return eosTokenIds.isEmpty() ? -1 : eosTokenIds.get(0);
  }

  /** Reads {@code DIR/config.json} (or the file given); a bad or unsupported config is one line naming the file. */
  public static LlamaConfig read(Path dirOrFile) throws IOException {
    Path f = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE) : dirOrFile;
    if (!Files.isRegularFile(f)) throw new lima.core.UserException(f + ": no such file (a Hugging Face model folder has a config.json)");
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(f.toFile());
    } catch (IOException e) {
      throw new BadInputException(f + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (n == null || !n.isObject()) throw new BadInputException(f + ": expected a JSON object");
    try {
      return parse(n);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(f + ": " + e.getMessage());
    }
  }

  /** Parses a config.json tree; throws IllegalArgumentException naming the field. */
  public static LlamaConfig parse(JsonNode n) {
    String type = n.path("model_type").asText("llama");
    check(type.equals("llama"), "model_type is \"" + type + "\"; only \"llama\" (LlamaForCausalLM) is supported");
    String act = n.path("hidden_act").asText("silu");
    check(act.equals("silu"), "hidden_act is \"" + act + "\"; only \"silu\" is supported");
    check(!n.path("attention_bias").asBoolean(false), "attention_bias=true is not supported");
    check(!n.path("mlp_bias").asBoolean(false), "mlp_bias=true is not supported");
    JsonNode rs = n.get("rope_scaling");
    check(rs == null || rs.isNull(), "rope_scaling " + rs + " is not supported");
    int hidden = req(n, "hidden_size");
    int heads = req(n, "num_attention_heads");
    List<Integer> eos = new ArrayList<>();
    JsonNode e = n.get("eos_token_id");
    if (e != null && e.isArray()) e.forEach(x -> eos.add(x.asInt()));
    else if (e != null && e.canConvertToInt()) eos.add(e.asInt());
    JsonNode b = n.get("bos_token_id");
    return new LlamaConfig(
        hidden,
        req(n, "num_hidden_layers"),
        heads,
        n.path("num_key_value_heads").canConvertToInt() ? n.get("num_key_value_heads").asInt() : heads,
        req(n, "intermediate_size"),
        n.path("rms_norm_eps").asDouble(1e-6),
        n.path("rope_theta").asDouble(10000.0),
        n.path("tie_word_embeddings").asBoolean(false),
        b != null && b.canConvertToInt() ? b.asInt() : -1,
        eos,
        n.path("max_position_embeddings").asInt(2048),
        req(n, "vocab_size"),
        n.path("head_dim").canConvertToInt() ? n.get("head_dim").asInt() : (heads > 0 ? hidden / heads : 0),
        n.path("torch_dtype").asText(n.path("dtype").asText("float32")));
  }

  private static int req(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToInt()) throw new IllegalArgumentException("missing or non-integer \"" + field + "\"");
    return v.asInt();
  }

  /** The config.json form (Hugging Face field names). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architectures", List.of("LlamaForCausalLM"));
    m.put("model_type", "llama");
    m.put("hidden_size", hiddenSize);
    m.put("intermediate_size", intermediateSize);
    m.put("num_hidden_layers", numHiddenLayers);
    m.put("num_attention_heads", numAttentionHeads);
    m.put("num_key_value_heads", numKeyValueHeads);
    m.put("head_dim", headDim);
    m.put("vocab_size", vocabSize);
    m.put("max_position_embeddings", maxPositionEmbeddings);
    m.put("rms_norm_eps", rmsNormEps);
    m.put("rope_theta", ropeTheta);
    m.put("hidden_act", "silu");
    m.put("tie_word_embeddings", tieWordEmbeddings);
    if (bosTokenId >= 0) m.put("bos_token_id", bosTokenId);
    m.put("eos_token_id", eosTokenIds.size() == 1 ? eosTokenIds.get(0) : eosTokenIds);
    m.put("attention_bias", false);
    m.put("mlp_bias", false);
    m.put("torch_dtype", torchDtype);
    return m;
  }

  public void write(Path dir) throws IOException {
    AtomicFiles.writeString(dir.resolve(FILE), Json.PRETTY.writeValueAsString(toJson()) + "\n");
  }

  /** Every weight name of the Hugging Face layout with its shape (lm_head only when untied). */
  public Map<String, long[]> expectedTensors() {
    Map<String, long[]> m = new LinkedHashMap<>();
    long q = (long) numAttentionHeads * headDim;
    long kv = (long) numKeyValueHeads * headDim;
    m.put("model.embed_tokens.weight", new long[] {vocabSize, hiddenSize});
    for (int i = 0; i < numHiddenLayers; i++) {
      String p = "model.layers." + i + ".";
      m.put(p + "input_layernorm.weight", new long[] {hiddenSize});
      m.put(p + "self_attn.q_proj.weight", new long[] {q, hiddenSize});
      m.put(p + "self_attn.k_proj.weight", new long[] {kv, hiddenSize});
      m.put(p + "self_attn.v_proj.weight", new long[] {kv, hiddenSize});
      m.put(p + "self_attn.o_proj.weight", new long[] {hiddenSize, q});
      m.put(p + "post_attention_layernorm.weight", new long[] {hiddenSize});
      m.put(p + "mlp.gate_proj.weight", new long[] {intermediateSize, hiddenSize});
      m.put(p + "mlp.up_proj.weight", new long[] {intermediateSize, hiddenSize});
      m.put(p + "mlp.down_proj.weight", new long[] {hiddenSize, intermediateSize});
    }
    m.put("model.norm.weight", new long[] {hiddenSize});
    if (!tieWordEmbeddings) m.put("lm_head.weight", new long[] {vocabSize, hiddenSize});
    return m;
  }

  /** Number of parameters (tied embeddings counted once). */
  public long parameterCount() {
    long n = 0;
    for (long[] s : expectedTensors().values()) {
      long k = 1;
      for (long d : s) k *= d;
      n += k;
    }
    return n;
  }

  /** Bytes of the fp32 key/value cache for {@code positions} tokens at batch 1. */
  public long kvCacheBytes(int positions) {
    return 2L * numHiddenLayers * numKeyValueHeads * headDim * positions * 4;
  }
}
