package lima.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.AtomicFiles;
import lima.core.BadInputException;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter), written on NDArrays so that every
 * scalar is an NDArray made by {@code manager.full} (Java-number arithmetic can corrupt gradients
 * in DJL once the GC runs). The update is PyTorch's {@code torch.optim.AdamW}:
 *
 * <pre>
 *   p -= lr * wd * p                     (only for parameters with decay)
 *   m  = b1 m + (1 - b1) g
 *   v  = b2 v + (1 - b2) g^2
 *   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * <p>Weight decay is skipped for 1-D parameters (norm gains, biases), as the paper's recipe and
 * common practice do. The state (step count, m, v) is saved and restored byte for byte.
 */
public final class AdamW implements AutoCloseable {

  /** Hyper-parameters; LIMA uses beta1 0.9, beta2 0.95, weight decay 0.1. */
  public record Settings(double beta1, double beta2, double eps, double weightDecay) {
    public static final Settings LIMA = new Settings(0.9, 0.95, 1e-8, 0.1);

    public Settings {
      if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
      if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
      if (!(eps > 0)) throw new IllegalArgumentException("eps must be > 0, got " + eps);
      if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
  }

  /** One trained parameter: its name (for state files), its array (updated in place), whether it decays. */
  public record Param(String name, NDArray weight, boolean decay) {
    /** Decay for matrices, none for vectors (norms, biases). */
    public static Param of(String name, NDArray weight) {
      return new Param(name, weight, weight.getShape().dimension() > 1);
    }
  }

  private static final int MAGIC = 0x4c414457; // "LADW"

  private final NDManager manager;
  private final Settings settings;
  private final List<Param> params;
  private final List<NDArray> m = new ArrayList<>();
  private final List<NDArray> v = new ArrayList<>();
  private long step;

  public AdamW(NDManager parent, List<Param> params, Settings settings) {
    this.manager = parent.newSubManager();
    this.settings = settings;
    this.params = List.copyOf(params);
    for (Param p : this.params) {
      m.add(manager.zeros(p.weight().getShape(), DataType.FLOAT32, p.weight().getDevice()));
      v.add(manager.zeros(p.weight().getShape(), DataType.FLOAT32, p.weight().getDevice()));
    }
  }

  public List<Param> params() {
    return params;
  }

  public Settings settings() {
    return settings;
  }

  /** Optimizer steps taken so far. */
  public long step() {
    return step;
  }

  /**
   * One update with learning rate {@code lr} from the gradients attached to the parameters; the
   * gradients are left as they are (the caller zeroes them).
   */
  public void update(double lr) {
    step++;
    double bc1 = 1 - Math.pow(settings.beta1(), step);
    double bc2 = 1 - Math.pow(settings.beta2(), step);
    try (NDManager tmp = manager.newSubManager()) {
      for (int i = 0; i < params.size(); i++) {
        Param p = params.get(i);
        NDArray w = p.weight();
        var dev = w.getDevice();
        NDArray b1 = scalar(tmp, settings.beta1(), dev);
        NDArray oneMinusB1 = scalar(tmp, 1 - settings.beta1(), dev);
        NDArray b2 = scalar(tmp, settings.beta2(), dev);
        NDArray oneMinusB2 = scalar(tmp, 1 - settings.beta2(), dev);
        NDArray stepSize = scalar(tmp, lr / bc1, dev);
        NDArray sqrtBc2 = scalar(tmp, Math.sqrt(bc2), dev);
        NDArray eps = scalar(tmp, settings.eps(), dev);
        NDArray g = w.getGradient();
        g.attach(tmp);
        if (p.decay() && settings.weightDecay() > 0) {
          NDArray keep = scalar(tmp, 1 - lr * settings.weightDecay(), dev);
          w.muli(keep);
        }
        NDArray mi = m.get(i);
        NDArray vi = v.get(i);
        NDArray gm = g.mul(oneMinusB1);
        gm.attach(tmp);
        mi.muli(b1).addi(gm);
        NDArray g2 = g.mul(g).muli(oneMinusB2);
        g2.attach(tmp);
        vi.muli(b2).addi(g2);
        NDArray denom = vi.sqrt().divi(sqrtBc2).addi(eps);
        denom.attach(tmp);
        NDArray delta = mi.mul(stepSize).divi(denom);
        delta.attach(tmp);
        w.subi(delta);
      }
    }
  }

  private static NDArray scalar(NDManager mgr, double value, ai.djl.Device device) {
    return mgr.full(new Shape(), (float) value, DataType.FLOAT32, device);
  }

  /** Writes the state: step, then per parameter its name, shape and the raw bytes of m and v. */
  public void save(Path file) throws IOException {
    AtomicFiles.write(
        file,
        os -> {
          DataOutputStream out = new DataOutputStream(os);
          out.writeInt(MAGIC);
          out.writeLong(step);
          out.writeInt(params.size());
          for (int i = 0; i < params.size(); i++) {
            out.writeUTF(params.get(i).name());
            long[] shape = m.get(i).getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) out.writeLong(d);
            writeArray(out, m.get(i));
            writeArray(out, v.get(i));
          }
          out.flush();
        });
  }

  private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
    ByteBuffer b = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /** Restores a state written by {@link #save}; parameter names and shapes must match. */
  public void load(Path file) throws IOException {
    try (InputStream is = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      DataInputStream in = new DataInputStream(is);
      if (in.readInt() != MAGIC) throw new BadInputException(file + ": not a lima AdamW state");
      long s = in.readLong();
      int n = in.readInt();
      if (n != params.size())
        throw new BadInputException(file + ": state has " + n + " parameters, the model has " + params.size());
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        if (!name.equals(params.get(i).name()))
          throw new BadInputException(file + ": parameter " + i + " is " + name + " in the state, " + params.get(i).name() + " in the model");
        long[] shape = new long[in.readInt()];
        for (int k = 0; k < shape.length; k++) shape[k] = in.readLong();
        if (!new Shape(shape).equals(m.get(i).getShape()))
          throw new BadInputException(file + ": " + name + " has shape " + new Shape(shape) + " in the state, " + m.get(i).getShape() + " in the model");
        m.set(i, replaceFrom(in, m.get(i), file, name));
        v.set(i, replaceFrom(in, v.get(i), file, name));
      }
      step = s;
    }
  }

  /**
   * A new array with {@code old}'s shape and device holding the next saved array; {@code old} is closed. (Not
   * {@code old.set(buffer)}: DJL's native set runs under a deprecated libtorch guard that prints a "silent wrong
   * result" warning on every resume.)
   */
  private NDArray replaceFrom(DataInputStream in, NDArray old, Path file, String name) throws IOException {
    int len = in.readInt();
    if (len != old.size() * 4) throw new BadInputException(file + ": " + name + ": " + len + " bytes, expected " + old.size() * 4);
    byte[] bytes = new byte[len];
    in.readFully(bytes);
    ByteBuffer b = ByteBuffer.allocateDirect(len).order(ByteOrder.nativeOrder());
    b.put(bytes).flip();
    NDArray fresh = manager.create(b, old.getShape(), DataType.FLOAT32);
    if (!fresh.getDevice().equals(old.getDevice())) {
      NDArray moved = fresh.toDevice(old.getDevice(), false);
      fresh.close();
      fresh = moved;
    }
    old.close();
    return fresh;
  }

  @Override
  public void close() {
    manager.close();
  }
}
