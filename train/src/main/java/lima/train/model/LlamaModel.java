package lima.train.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import lima.core.BadInputException;
import lima.train.safetensors.DType;
import lima.train.safetensors.SafetensorsCheckpoint;
import lima.train.safetensors.SafetensorsWriter;
import lima.train.safetensors.TensorInfo;

/**
 * A LLaMA decoder ({@code LlamaForCausalLM}) as a DJL block on the PyTorch engine, in fp32: token
 * embedding, {@link LlamaLayer}s, a final RMSNorm and the output head (tied to the embedding or its own
 * {@code lm_head}).
 *
 * <p>Inference may run in float16 ({@link #load(Path, NDManager, DataType)}): weights, activations and the
 * KV cache are then fp16, while the numerically sensitive parts stay in fp32 as in transformers: the
 * RMSNorm variance and normalisation (cast back before the weight), the attention softmax (scores and
 * mask in fp32, probabilities cast back), and the logits ({@link #forward} always returns fp32). Training
 * is fp32 only.
 *
 * <p>Two ways to run it. {@link #forward(NDArray, KvCache, boolean, boolean)} with a {@link KvCache}
 * decodes incrementally (generation); with a null cache it runs whole sequences, and with {@code
 * training=true} inside a {@code GradientCollector} it is differentiable (residual dropout active) — the
 * DJL {@code Block.forward} path ({@code NDList(ids [B,T] int64) -> NDList(logits [B,T,V])}) does the same
 * for a {@code Trainer}. Right padding needs no attention mask: the causal mask already keeps real tokens
 * from seeing later padding; mask the loss instead.
 *
 * <p>Parameters are DJL {@link Parameter}s named as in Hugging Face checkpoints ({@link #hfParameters()});
 * {@link #load}/{@link #save} read and write safetensors folders. The weights are only read during
 * inference, so several threads may run forward passes at once, each with its own cache; training
 * changes them and must not overlap with inference.
 */
public final class LlamaModel extends AbstractBlock implements AutoCloseable {
  private final LlamaConfig config;
  private final NDManager manager;
  private final Parameter embed;
  private final Parameter norm;
  private final Parameter lmHead; // null when tied
  private final List<LlamaLayer> layers = new ArrayList<>();
  private final Rope rope;
  private final Constants constants;
  private final DataType dtype;

  /** Scalars as arrays: arithmetic with Java numbers can corrupt DJL gradients. */
  static final class Constants {
    final NDArray eps;
    final NDArray scale;

    /** eps stays fp32 (RMSNorm statistics are fp32); scale has the compute dtype. */
    Constants(NDManager m, LlamaConfig c, DataType dtype) {
      eps = m.full(new Shape(), (float) c.rmsNormEps());
      scale = m.full(new Shape(), (float) (1.0 / Math.sqrt(c.headDim())), dtype);
    }
  }

  private LlamaModel(LlamaConfig config, NDManager parent, DataType dtype) {
    if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16) throw new IllegalArgumentException("model dtype must be FLOAT32 or FLOAT16, got " + dtype);
    this.config = config;
    this.dtype = dtype;
    this.manager = parent.newSubManager();
    this.constants = new Constants(manager, config, dtype);
    this.rope = new Rope(manager, config.headDim(), config.maxPositionEmbeddings(), config.ropeTheta(), dtype);
    embed = addParameter(Parameter.builder().setName("model.embed_tokens.weight").setType(Parameter.Type.WEIGHT).build());
    for (int i = 0; i < config.numHiddenLayers(); i++) layers.add(addChildBlock("layer" + i, new LlamaLayer(config, constants)));
    norm = addParameter(Parameter.builder().setName("model.norm.weight").setType(Parameter.Type.GAMMA).build());
    lmHead = config.tieWordEmbeddings() ? null : addParameter(Parameter.builder().setName("lm_head.weight").setType(Parameter.Type.WEIGHT).build());
  }

  public LlamaConfig config() {
    return config;
  }

  public NDManager manager() {
    return manager;
  }

  /** The dtype of the weights, activations and KV cache: FLOAT32, or FLOAT16 for inference. */
  public DataType dtype() {
    return dtype;
  }

  public List<LlamaLayer> layers() {
    return Collections.unmodifiableList(layers);
  }

  /** Every parameter under its Hugging Face name (no lm_head when tied). */
  public Map<String, Parameter> hfParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("model.embed_tokens.weight", embed);
    for (int i = 0; i < layers.size(); i++) {
      String p = "model.layers." + i + ".";
      layers.get(i).named().forEach((k, v) -> m.put(p + k, v));
    }
    m.put("model.norm.weight", norm);
    if (lmHead != null) m.put("lm_head.weight", lmHead);
    return m;
  }

  /** Sets the residual dropout of each layer, bottom first (the LIMA schedule rises linearly with depth). */
  public void setResidualDropout(float[] perLayer) {
    if (perLayer.length != layers.size()) throw new IllegalArgumentException(perLayer.length + " dropout values for " + layers.size() + " layers");
    for (int i = 0; i < perLayer.length; i++) layers.get(i).setResidualDropout(perLayer[i]);
  }

  /** A new, empty key/value cache for this model. */
  public KvCache newCache() {
    return new KvCache(manager, layers.size());
  }

  // ---------------------------------------------------------------------------------------------
  // Construction

  /**
   * Loads a Hugging Face folder ({@code config.json} + safetensors) into fp32 arrays of {@code parent}
   * (a sub-manager is made; close the model to free it). Names and shapes are checked against the config.
   */
  public static LlamaModel load(Path dir, NDManager parent) throws IOException {
    return load(dir, parent, DataType.FLOAT32);
  }

  /**
   * Loads a model folder for inference in {@code dtype} (FLOAT32, or FLOAT16: each tensor is read as fp32
   * and cast, one at a time) on the device of {@code parent}.
   */
  public static LlamaModel load(Path dir, NDManager parent, DataType dtype) throws IOException {
    LlamaConfig config = LlamaConfig.read(dir);
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(dir)) {
      check(config, ck);
      LlamaModel m = new LlamaModel(config, parent, dtype);
      try {
        for (var e : m.hfParameters().entrySet()) {
          TensorInfo t = ck.tensor(e.getKey());
          ByteBuffer data = ck.readDirect(e.getKey());
          NDArray a = m.manager.create(data, new Shape(t.shape()), DataType.FLOAT32);
          if (dtype != DataType.FLOAT32) {
            NDArray cast = a.toType(dtype, false);
            a.close();
            a = cast;
          }
          e.getValue().setArray(a);
        }
      } catch (IOException | RuntimeException ex) {
        m.close();
        throw ex;
      }
      return m;
    }
  }

  /** Checks that the checkpoint holds every tensor the config implies, with the right shapes. */
  public static void check(LlamaConfig config, SafetensorsCheckpoint ck) {
    Map<String, long[]> expected = config.expectedTensors();
    for (var e : expected.entrySet()) {
      TensorInfo t = ck.tensors().get(e.getKey());
      if (t == null)
        throw new BadInputException(ck.location() + ": missing tensor " + e.getKey() + " (config.json implies shape " + java.util.Arrays.toString(e.getValue()) + ")");
      if (!java.util.Arrays.equals(t.shape(), e.getValue()))
        throw new BadInputException(ck.location() + ": tensor " + e.getKey() + " has shape " + t.shapeString() + ", config.json implies " + java.util.Arrays.toString(e.getValue()));
    }
    for (String name : ck.tensors().keySet()) {
      if (expected.containsKey(name) || name.endsWith("rotary_emb.inv_freq") || (name.equals("lm_head.weight") && config.tieWordEmbeddings())) continue;
      throw new BadInputException(ck.location() + ": unexpected tensor " + name + " (not part of a LlamaForCausalLM with this config.json)");
    }
  }

  /**
   * A randomly initialised model: weights drawn from N(0, 0.02) with a seeded Java generator (the same
   * seed gives the same weights on any engine), norm weights 1.
   */
  public static LlamaModel random(LlamaConfig config, NDManager parent, long seed) {
    LlamaModel m = new LlamaModel(config, parent, DataType.FLOAT32);
    SplittableRandom rng = new SplittableRandom(seed);
    for (var e : m.hfParameters().entrySet()) {
      long[] shape = config.expectedTensors().get(e.getKey());
      long n = 1;
      for (long d : shape) n *= d;
      ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(n * 4)).order(ByteOrder.nativeOrder());
      FloatBuffer fb = buf.asFloatBuffer();
      boolean isNorm = e.getKey().endsWith("norm.weight");
      for (long i = 0; i < n; i++) fb.put(isNorm ? 1f : (float) (rng.nextGaussian() * 0.02));
      e.getValue().setArray(m.manager.create(buf, new Shape(shape), DataType.FLOAT32));
    }
    return m;
  }

  /**
   * A model with {@code extra} more vocabulary rows (for new special tokens such as {@code <|eot|>}): the new
   * embedding rows, and the new {@code lm_head} rows when untied, start as the mean of the existing rows (a
   * common initialisation that keeps the new tokens' logits ordinary). All other weights are moved, not
   * copied, into the new model: close this model afterwards and do not use it again.
   */
  public LlamaModel withAddedTokens(int extra, NDManager parent) {
    if (extra <= 0) throw new IllegalArgumentException("extra tokens must be positive: " + extra);
    LlamaConfig c = config;
    LlamaConfig grown = new LlamaConfig(c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(), c.intermediateSize(),
        c.rmsNormEps(), c.ropeTheta(), c.tieWordEmbeddings(), c.bosTokenId(), c.eosTokenIds(), c.maxPositionEmbeddings(), c.vocabSize() + extra, c.headDim(), c.torchDtype());
    LlamaModel m = new LlamaModel(grown, parent, dtype);
    Map<String, Parameter> from = hfParameters();
    for (var e : m.hfParameters().entrySet()) {
      NDArray old = from.get(e.getKey()).getArray();
      NDArray a;
      if (e.getKey().equals("model.embed_tokens.weight") || e.getKey().equals("lm_head.weight")) {
        NDArray mean = old.mean(new int[] {0}, true);
        NDArray rows = mean.repeat(0, extra);
        a = old.concat(rows, 0);
        a.attach(m.manager);
        mean.close();
        rows.close();
      } else {
        a = old;
        a.attach(m.manager);
      }
      e.getValue().setArray(a);
    }
    return m;
  }

  /** Writes {@code config.json} and the weights ({@code model.safetensors}, sharded past 5 GB). */
  public List<Path> save(Path dir, DType dtype) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter(dtype, 5_000_000_000L, null);
    for (var e : hfParameters().entrySet()) {
      NDArray a = e.getValue().getArray();
      NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
      FloatBuffer fb = f.toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
      w.add(e.getKey(), a.getShape().getShape(), fb);
      if (f != a) f.close();
    }
    List<Path> files = w.write(dir);
    config.write(dir);
    return files;
  }

  // ---------------------------------------------------------------------------------------------
  // Forward

  /** RMSNorm; for a non-fp32 {@code x} the statistics and normalisation run in fp32 and are cast back before the weight (as transformers' LlamaRMSNorm). */
  static NDArray rmsNorm(NDArray x, NDArray weight, NDArray eps) {
    if (x.getDataType() == DataType.FLOAT32) {
      NDArray var = x.mul(x).mean(new int[] {-1}, true);
      return x.div(var.add(eps).sqrt()).mul(weight);
    }
    NDArray xf = x.toType(DataType.FLOAT32, false);
    NDArray var = xf.mul(xf).mean(new int[] {-1}, true);
    return xf.div(var.add(eps).sqrt()).toType(x.getDataType(), false).mul(weight);
  }

  /**
   * Logits of token ids.
   *
   * @param ids {@code [B, T]} int64 token ids
   * @param cache keys/values of earlier positions (appended to), or null for a whole-sequence pass from
   *     position 0
   * @param training true for a training pass (residual dropout on; call inside a GradientCollector)
   * @param lastOnly compute logits for the last position only ({@code [B, 1, V]}), as generation needs
   * @return fp32 logits {@code [B, T, V]} (or {@code [B, 1, V]}), whatever the model's dtype
   */
  public NDArray forward(NDArray ids, KvCache cache, boolean training, boolean lastOnly) {
    return forward(null, ids, cache, training, lastOnly, null);
  }

  /**
   * Logits {@code [B, T, V]} of a training pass whose residual dropout takes its keep-masks from {@code
   * masks} (call inside a GradientCollector).
   */
  public NDArray forwardTraining(NDArray ids, DropoutMasks masks) {
    return forward(null, ids, null, true, false, masks);
  }

  private NDArray forward(ParameterStore ps, NDArray ids, KvCache cache, boolean training, boolean lastOnly, DropoutMasks masks) {
    Device d = ids.getDevice();
    if (ids.getShape().dimension() != 2) throw new IllegalArgumentException("ids must be [batch, time], got " + ids.getShape());
    if (ids.getDataType() != DataType.INT64) ids = ids.toType(DataType.INT64, false);
    int t = (int) ids.getShape().get(1);
    int past = cache == null ? 0 : cache.length();
    if (past + t > config.maxPositionEmbeddings())
      throw new IllegalArgumentException("positions " + past + ".." + (past + t - 1) + " exceed max_position_embeddings " + config.maxPositionEmbeddings());
    NDArray x = Embedding.embedding(ids, LlamaLayer.value(ps, embed, d, training), SparseFormat.DENSE).singletonOrThrow();
    NDArray[] tables = rope.tables(past, t);
    // The slices are created in the model's manager; give them to the caller's so they are freed with
    // the pass instead of piling up for the model's lifetime (one pair per generated token).
    for (NDArray a : tables) a.attach(ids.getManager());
    NDArray mask = t == 1 ? null : causalMask(ids.getManager(), past, t);
    for (int i = 0; i < layers.size(); i++) x = layers.get(i).forward(ps, x, rope, tables, mask, cache, i, training, masks);
    if (cache != null) cache.advance(t);
    if (lastOnly && t > 1) x = x.get(new NDIndex(":, -1:, :"));
    x = rmsNorm(x, LlamaLayer.value(ps, norm, d, training), constants.eps);
    Parameter head = lmHead == null ? embed : lmHead;
    NDArray logits = Linear.linear(x, LlamaLayer.value(ps, head, d, training)).singletonOrThrow();
    return logits.getDataType() == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
  }

  /** Additive mask [T, past+T]: 0 where query i (at position past+i) may see key j, -inf after it. */
  static NDArray causalMask(NDManager m, int past, int t) {
    int s = past + t;
    float[] mask = new float[t * s];
    for (int i = 0; i < t; i++) for (int j = past + i + 1; j < s; j++) mask[i * s + j] = Float.NEGATIVE_INFINITY;
    return m.create(mask, new Shape(t, s));
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(forward(ps, inputs.singletonOrThrow(), null, training, false, null));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1), config.vocabSize())};
  }

  @Override
  protected void initializeChildBlocks(NDManager m, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    Shape hidden = new Shape(in.get(0), in.get(1), config.hiddenSize());
    for (LlamaLayer l : layers) l.initialize(m, dataType, hidden);
  }

  /** Frees every array of the model. */
  @Override
  public void close() {
    manager.close();
  }
}
