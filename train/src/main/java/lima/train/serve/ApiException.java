package lima.train.serve;

/**
 * An error answered as OpenAI-style JSON: {@code {"error":{"message","type","param","code"}}} with an
 * HTTP status.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String type;
  private final String param;
  private final String code;
  private final Integer retryAfterSeconds;

  public ApiException(int status, String type, String param, String code, String message, Integer retryAfterSeconds) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A 400 invalid_request_error about one request field. */
  public static ApiException badRequest(String param, String code, String message) {
    return new ApiException(400, "invalid_request_error", param, code, message, null);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String param() {
    return param;
  }

  public String code() {
    return code;
  }

  /** Seconds for a Retry-After header, or null. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
