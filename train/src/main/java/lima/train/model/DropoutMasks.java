package lima.train.model;

import ai.djl.ndarray.NDArray;

/**
 * Where the keep-masks of residual dropout come from in a training pass, so that the caller decides
 * what each random draw depends on (the trainer: seed, step, example and layer, nothing else).
 */
@FunctionalInterface
public interface DropoutMasks {
  /** Residual branch after attention ({@code 0}) or after the MLP ({@code 1}). */
  int ATTENTION = 0, MLP = 1;

  /**
   * The mask for the output {@code x} ({@code [B, T, hidden]}) of branch {@code site} of layer {@code
   * layer}: same shape, 0 where dropped and {@code 1/(1-p)} where kept, on {@code x}'s manager.
   */
  NDArray mask(int layer, int site, float p, NDArray x);
}
