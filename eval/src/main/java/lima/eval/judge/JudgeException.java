package lima.eval.judge;

/** A judge request that failed for good (after its retries, or at once for a 4xx other than 429). */
public final class JudgeException extends Exception {
  private static final long serialVersionUID = 1L;

  public JudgeException(String message) {
    super(message);
  }
}
