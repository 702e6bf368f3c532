package lima.eval.judge;

/**
 * A judge request that failed for good: after its retries ({@link #retryable} true: timeouts, 429, 5xx,
 * broken answers), or at once because a retry cannot fix it ({@link #retryable} false: another 4xx such
 * as 400 for a prompt beyond the judge's context or 401 for a bad key, or a refused connection). A
 * failure that a retry cannot fix stops the whole run: every other request would fail the same way.
 */
public final class JudgeException extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  public JudgeException(String message) {
    this(message, true);
  }

  public JudgeException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  /** False when retrying (now or in a re-run) cannot help until the cause is fixed. */
  public boolean retryable() {
    return retryable;
  }
}
