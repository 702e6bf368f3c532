package lima.train.serve;

/**
 * Sampling settings of one request. Defaults are the LIMA paper's: nucleus sampling with top-p 0.9,
 * temperature 0.7 and a repetition penalty of 1.2 over the generated tokens. Temperature 0 is greedy.
 */
public record Sampling(double temperature, double topP, double repetitionPenalty, long seed) {
  public static final double PAPER_TEMPERATURE = 0.7;
  public static final double PAPER_TOP_P = 0.9;
  public static final double PAPER_REPETITION_PENALTY = 1.2;

  public Sampling {
    if (!(temperature >= 0 && temperature <= 2)) throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
    if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
    if (!(repetitionPenalty > 0 && repetitionPenalty <= 10))
      throw new IllegalArgumentException("repetition_penalty must be in (0, 10], got " + repetitionPenalty);
  }

  /** The paper's sampling with a given seed. */
  public static Sampling paper(long seed) {
    return new Sampling(PAPER_TEMPERATURE, PAPER_TOP_P, PAPER_REPETITION_PENALTY, seed);
  }

  public boolean greedy() {
    return temperature == 0;
  }
}
