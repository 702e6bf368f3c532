package lima.train.fit;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import lima.train.model.DropoutMasks;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import lima.core.AtomicFiles;

/**
 * A bigram-ish stand-in for a language model: logits = dropout(onehot(ids) E) * gain W^T + bias.
 * Matrices decay, gain and bias (1-D) do not. Saved as raw floats in toy.bin.
 */
final class ToyModel implements TrainableModel {
  final int vocab, hidden;
  final float dropout;
  final Map<String, NDArray> params = new LinkedHashMap<>();

  ToyModel(NDManager mgr, Device dev, int vocab, int hidden, float dropout, Map<String, float[]> init) {
    this.vocab = vocab;
    this.hidden = hidden;
    this.dropout = dropout;
    params.put("embed", mgr.create(init.get("embed"), new Shape(vocab, hidden)).toDevice(dev, false));
    params.put("gain", mgr.create(init.get("gain"), new Shape(hidden)).toDevice(dev, false));
    params.put("head", mgr.create(init.get("head"), new Shape(vocab, hidden)).toDevice(dev, false));
    params.put("bias", mgr.create(init.get("bias"), new Shape(vocab)).toDevice(dev, false));
  }

  static Map<String, float[]> random(int vocab, int hidden, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, float[]> m = new LinkedHashMap<>();
    m.put("embed", gauss(r, vocab * hidden, 0.5));
    float[] g = new float[hidden];
    java.util.Arrays.fill(g, 1f);
    m.put("gain", g);
    m.put("head", gauss(r, vocab * hidden, 0.5));
    m.put("bias", new float[vocab]);
    return m;
  }

  static float[] gauss(SplittableRandom r, int n, double sd) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) f[i] = (float) ((r.nextDouble() * 2 - 1) * sd);
    return f;
  }

  @Override
  public NDArray logits(NDArray ids, DropoutMasks masks) {
    NDArray x = ids.oneHot(vocab).matMul(params.get("embed"));
    if (dropout > 0 && masks != null) x = x.mul(masks.mask(0, DropoutMasks.ATTENTION, dropout, x));
    x = x.mul(params.get("gain"));
    return x.matMul(params.get("head").transpose()).add(params.get("bias"));
  }

  @Override
  public Map<String, NDArray> parameters() {
    return params;
  }

  @Override
  public int vocabSize() {
    return vocab;
  }

  @Override
  public void save(Path dir) throws IOException {
    AtomicFiles.write(dir.resolve("toy.bin"), os -> {
      DataOutputStream out = new DataOutputStream(os);
      out.writeInt(vocab);
      out.writeInt(hidden);
      out.writeFloat(dropout);
      for (NDArray a : params.values()) for (float f : a.toFloatArray()) out.writeFloat(f);
      out.flush();
    });
  }

  static ToyModel load(Path dir, NDManager mgr, Device dev) throws IOException {
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(dir.resolve("toy.bin"))))) {
      int v = in.readInt(), h = in.readInt();
      float d = in.readFloat();
      Map<String, float[]> m = new LinkedHashMap<>();
      for (var e : Map.of("embed", v * h, "gain", h, "head", v * h, "bias", v).entrySet()) m.put(e.getKey(), null);
      m.put("embed", read(in, v * h));
      m.put("gain", read(in, h));
      m.put("head", read(in, v * h));
      m.put("bias", read(in, v));
      return new ToyModel(mgr, dev, v, h, d, m);
    }
  }

  private static float[] read(DataInputStream in, int n) throws IOException {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) f[i] = in.readFloat();
    return f;
  }

  @Override
  public void close() {}
}
