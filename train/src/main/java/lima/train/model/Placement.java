package lima.train.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import lima.core.ExitCodes;
import lima.core.UserException;

/**
 * Where and in which precision a model runs for inference: the device ({@code cpu} or {@code gpu}, the
 * first CUDA device) and the weight/activation dtype ({@code float32} or {@code float16}). In float16 the
 * numerically sensitive parts stay in fp32 as transformers does (RMSNorm statistics, the attention softmax,
 * the logits handed to the sampler). bfloat16 is not offered: DJL's PyTorch engine aborts the JVM on
 * bfloat16 arrays on CPU.
 *
 * @param device the DJL device
 * @param dtype {@link DataType#FLOAT32} or {@link DataType#FLOAT16}
 */
public record Placement(Device device, DataType dtype) {
  /** fp32 on the CPU: the default, and what training uses. */
  public static final Placement CPU_FP32 = new Placement(Device.cpu(), DataType.FLOAT32);

  public Placement {
    if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT16)
      throw new IllegalArgumentException("inference dtype must be float32 or float16, got " + dtype);
  }

  /**
   * Parses the command-line values: {@code device} is {@code cpu} or {@code gpu}; {@code dtype} is
   * {@code float32}, {@code float16} or {@code auto} (float16 on a GPU, float32 on the CPU).
   *
   * @throws UserException (exit 2) for an unknown value, or for {@code gpu} when the PyTorch engine sees
   *     no GPU (a CPU-only native library, or no CUDA device)
   */
  public static Placement parse(String device, String dtype) {
    String dev = device.toLowerCase(Locale.ROOT);
    String dt = dtype.toLowerCase(Locale.ROOT);
    Device d;
    switch (dev) {
      case "cpu" -> d = Device.cpu();
      case "gpu", "cuda" -> {
        int gpus = gpuCount();
        if (gpus <= 0)
          throw new UserException("--device gpu: no GPU is visible to the PyTorch engine (this build has the CPU-only PyTorch native library, or there is no CUDA device/driver); "
              + "for GPU runs build with mvn -Pcuda and give it a CUDA libtorch 2.7.1 (docs/model.md, \"Running on a GPU\"), or use --device cpu", ExitCodes.USAGE);
        d = Device.gpu();
      }
      default -> throw new UserException("--device must be cpu or gpu, got '" + device + "'", ExitCodes.USAGE);
    }
    DataType t = switch (dt) {
      case "float32", "fp32" -> DataType.FLOAT32;
      case "float16", "fp16", "half" -> DataType.FLOAT16;
      case "auto" -> d.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
      case "bfloat16", "bf16" -> throw new UserException("--dtype bfloat16 is not supported (DJL's PyTorch engine aborts on bfloat16 arrays on CPU); use float16 or float32", ExitCodes.USAGE);
      default -> throw new UserException("--dtype must be float32, float16 or auto, got '" + dtype + "'", ExitCodes.USAGE);
    };
    return new Placement(d, t);
  }

  /** GPUs the PyTorch engine can use (0 with the CPU-only native library). */
  public static int gpuCount() {
    return Engine.getEngine("PyTorch").getGpuCount();
  }

  /** {@code cpu/float32}, {@code gpu(0)/float16} */
  @Override
  public String toString() {
    return (device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : "cpu") + "/" + (dtype == DataType.FLOAT16 ? "float16" : "float32");
  }
}
