package lima.train.fit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import lima.train.data.TokenizedExample;

/**
 * The supervised loss of LIMA: next-token cross-entropy on trained positions only, summed over a
 * micro-batch and divided by the number of trained tokens of the whole optimizer batch, so the
 * gradients accumulated over micro-batches equal those of one pass over the batch whatever the
 * micro-batch size.
 */
public final class MaskedLoss {
  private MaskedLoss() {}

  /** Input ids, target ids and target weights of a micro-batch, right-padded to its longest example. */
  public record MicroBatch(NDArray inputs, NDArray targets, NDArray weights, int realTokens, int trainedTokens) {}

  /**
   * Number of trained targets of an example: position k of the input predicts token k+1, so the
   * first token is never a target.
   */
  public static int targets(TokenizedExample e) {
    int n = 0;
    for (int k = 1; k < e.length(); k++) if (e.trained()[k]) n++;
    return n;
  }

  /** Builds the arrays of a micro-batch on {@code manager} (padding: id 0, weight 0). */
  public static MicroBatch collate(NDManager manager, List<TokenizedExample> examples) {
    int t = 1;
    for (TokenizedExample e : examples) t = Math.max(t, e.length() - 1);
    int b = examples.size();
    int[] in = new int[b * t];
    int[] tg = new int[b * t];
    float[] w = new float[b * t];
    int real = 0, trained = 0;
    for (int i = 0; i < b; i++) {
      TokenizedExample e = examples.get(i);
      for (int k = 0; k + 1 < e.length(); k++) {
        in[i * t + k] = e.ids()[k];
        tg[i * t + k] = e.ids()[k + 1];
        if (e.trained()[k + 1]) {
          w[i * t + k] = 1f;
          trained++;
        }
        real++;
      }
    }
    Shape s = new Shape(b, t);
    return new MicroBatch(manager.create(in, s), manager.create(tg, s).toType(DataType.INT64, false), manager.create(w, s), real, trained);
  }

  /** Sum over positions of {@code -log p(target)} times weight; logits {@code [B, T, V]}. */
  public static NDArray sum(NDArray logits, NDArray targets, NDArray weights) {
    NDArray logp = logits.logSoftmax(-1);
    NDArray picked = logp.gather(targets.expandDims(-1), -1).squeeze(-1);
    return picked.mul(weights).sum().neg();
  }

  /**
   * The micro-batch's share of the batch loss: its summed cross-entropy over {@code batchTrained},
   * the trained tokens of the whole optimizer batch (a scalar NDArray, no Java-number arithmetic).
   */
  public static NDArray share(NDArray logits, NDArray targets, NDArray weights, long batchTrained) {
    NDArray total = weights.getManager().full(new Shape(), (float) batchTrained, DataType.FLOAT32, logits.getDevice());
    return sum(logits, targets, weights).div(total);
  }
}
