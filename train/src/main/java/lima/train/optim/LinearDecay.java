package lima.train.optim;

/**
 * The LIMA learning-rate schedule (paper section 3): starts at {@code initial}, falls linearly to
 * {@code last} at the final optimizer step, no warmup. Step numbers count from 1; with a single
 * step the rate is {@code initial}.
 */
public record LinearDecay(double initial, double last, long totalSteps) {
  public LinearDecay {
    if (!(initial > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + initial);
    if (last < 0 || last > initial) throw new IllegalArgumentException("final learning rate must be in [0, " + initial + "], got " + last);
    if (totalSteps < 1) throw new IllegalArgumentException("total steps must be >= 1, got " + totalSteps);
  }

  /** The learning rate of optimizer step {@code step} (1-based). */
  public double at(long step) {
    if (step < 1 || step > totalSteps) throw new IllegalArgumentException("step " + step + " outside 1.." + totalSteps);
    if (totalSteps == 1) return initial;
    double frac = (double) (step - 1) / (totalSteps - 1);
    return initial + (last - initial) * frac;
  }
}
