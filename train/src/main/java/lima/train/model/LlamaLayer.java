package lima.train.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One LLaMA decoder layer: {@code h = x + drop(attn(rmsnorm(x)))}, {@code out = h + drop(mlp(rmsnorm(h)))},
 * with grouped-query causal self-attention (rotary positions) and a SwiGLU MLP ({@code down(silu(gate(x)) *
 * up(x))}, SiLU written as {@code sigmoid(x).mul(x)}). Residual dropout (applied to the attention and MLP
 * outputs before the residual add, in training only) is settable per layer. No Java-scalar arithmetic:
 * constants are NDArrays, which keeps DJL's autograd sound.
 */
public final class LlamaLayer extends AbstractBlock {
  final Parameter inputNorm, q, k, v, o, postNorm, gate, up, down;
  private final LlamaConfig c;
  private final LlamaModel.Constants k0;
  private volatile float residualDropout;

  LlamaLayer(LlamaConfig c, LlamaModel.Constants constants) {
    this.c = c;
    this.k0 = constants;
    inputNorm = param("input_layernorm.weight", Parameter.Type.GAMMA);
    q = param("self_attn.q_proj.weight", Parameter.Type.WEIGHT);
    k = param("self_attn.k_proj.weight", Parameter.Type.WEIGHT);
    v = param("self_attn.v_proj.weight", Parameter.Type.WEIGHT);
    o = param("self_attn.o_proj.weight", Parameter.Type.WEIGHT);
    postNorm = param("post_attention_layernorm.weight", Parameter.Type.GAMMA);
    gate = param("mlp.gate_proj.weight", Parameter.Type.WEIGHT);
    up = param("mlp.up_proj.weight", Parameter.Type.WEIGHT);
    down = param("mlp.down_proj.weight", Parameter.Type.WEIGHT);
  }

  private Parameter param(String name, Parameter.Type type) {
    return addParameter(Parameter.builder().setName(name).setType(type).build());
  }

  /** Parameters by their name inside the layer (Hugging Face suffixes such as {@code self_attn.q_proj.weight}). */
  public Map<String, Parameter> named() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (Parameter p : new Parameter[] {inputNorm, q, k, v, o, postNorm, gate, up, down}) m.put(p.getName(), p);
    return m;
  }

  /** Residual dropout probability (0 disables); used only in training. */
  public void setResidualDropout(float p) {
    if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("residual dropout must be in [0, 1): " + p);
    residualDropout = p;
  }

  public float residualDropout() {
    return residualDropout;
  }

  static NDArray value(ParameterStore ps, Parameter p, Device d, boolean training) {
    return ps == null ? p.getArray() : ps.getValue(p, d, training);
  }

  /**
   * @param x {@code [B, T, hidden]}
   * @param rope cos/sin tables of the T positions
   * @param mask additive causal mask {@code [T, S]} or null when T == 1
   * @param cache the KV cache (null for a whole-sequence pass); the layer appends its keys/values
   */
  NDArray forward(ParameterStore ps, NDArray x, Rope ropeTables, NDArray[] rope, NDArray mask, KvCache cache, int layerIndex, boolean training,
      DropoutMasks masks) {
    Device d = x.getDevice();
    long b = x.getShape().get(0), t = x.getShape().get(1);
    int hd = c.headDim(), heads = c.numAttentionHeads(), kvh = c.numKeyValueHeads(), g = c.kvGroups();

    NDArray h = LlamaModel.rmsNorm(x, value(ps, inputNorm, d, training), k0.eps);
    NDArray qs = Linear.linear(h, value(ps, q, d, training)).singletonOrThrow().reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
    NDArray ks = Linear.linear(h, value(ps, k, d, training)).singletonOrThrow().reshape(b, t, kvh, hd).transpose(0, 2, 1, 3);
    NDArray vs = Linear.linear(h, value(ps, v, d, training)).singletonOrThrow().reshape(b, t, kvh, hd).transpose(0, 2, 1, 3);
    qs = ropeTables.apply(qs, rope);
    ks = ropeTables.apply(ks, rope);
    if (cache != null) {
      NDArray[] kv = cache.append(layerIndex, ks, vs);
      ks = kv[0];
      vs = kv[1];
    }
    long s = ks.getShape().get(2);
    // Query heads j*g .. j*g+g-1 share key/value head j (transformers' repeat_kv): group them instead of
    // repeating keys and values.
    NDArray qg = qs.reshape(b, kvh, g * t, hd);
    NDArray scores = qg.matMul(ks.transpose(0, 1, 3, 2)).mul(k0.scale);
    if (mask != null && scores.getDataType() == DataType.FLOAT32) scores = scores.reshape(b, kvh, g, t, s).add(mask).reshape(b, kvh, g * t, s);
    NDArray probs;
    if (scores.getDataType() == DataType.FLOAT32) {
      probs = scores.softmax(-1);
    } else {
      // fp16: mask and softmax in fp32, probabilities cast back (transformers' softmax(dtype=float32).to(dtype)).
      NDArray sf = scores.toType(DataType.FLOAT32, false);
      if (mask != null) sf = sf.reshape(b, kvh, g, t, s).add(mask).reshape(b, kvh, g * t, s);
      probs = sf.softmax(-1).toType(scores.getDataType(), false);
    }
    NDArray attn = probs.matMul(vs).reshape(b, heads, t, hd).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * hd);
    NDArray attnOut = Linear.linear(attn, value(ps, o, d, training)).singletonOrThrow();
    attnOut = dropout(attnOut, training, masks, layerIndex, DropoutMasks.ATTENTION);
    NDArray h1 = x.add(attnOut);

    NDArray n2 = LlamaModel.rmsNorm(h1, value(ps, postNorm, d, training), k0.eps);
    NDArray gt = Linear.linear(n2, value(ps, gate, d, training)).singletonOrThrow();
    NDArray upv = Linear.linear(n2, value(ps, up, d, training)).singletonOrThrow();
    NDArray act = gt.getNDArrayInternal().sigmoid().mul(gt).mul(upv);
    NDArray mlpOut = Linear.linear(act, value(ps, down, d, training)).singletonOrThrow();
    mlpOut = dropout(mlpOut, training, masks, layerIndex, DropoutMasks.MLP);
    return h1.add(mlpOut);
  }

  /** Residual dropout: masks from {@code masks} when given, else the engine's dropout (its global generator). */
  private NDArray dropout(NDArray x, boolean training, DropoutMasks masks, int layerIndex, int site) {
    float p = residualDropout;
    if (!training || p <= 0) return x;
    if (masks != null) return x.mul(masks.mask(layerIndex, site, p, x));
    return x.getNDArrayInternal().dropout(x, p, true).singletonOrThrow();
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("a LlamaLayer runs inside LlamaModel (it needs the rotary tables and mask)");
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}
}
