package lima.cli;

import lima.train.model.Placement;
import picocli.CommandLine.Option;

/** {@code --device} and {@code --dtype} of the commands that run a model. */
public final class PlacementOptions {
  @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu", description = "Where the model runs; gpu needs a build with the CUDA native library (mvn -Pcuda, see docs/model.md) (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--dtype", defaultValue = "float32", paramLabel = "float32|float16|auto", description = "Inference precision of weights, activations and KV cache; RMSNorm statistics, softmax and logits stay fp32. auto = float16 on gpu, float32 on cpu (default: ${DEFAULT-VALUE}).")
  String dtype;

  Placement placement() {
    return Placement.parse(device, dtype);
  }
}
