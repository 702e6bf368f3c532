package lima.core;

/**
 * Input that does not have the expected shape. The message is one line naming the file, the line or
 * record, and what was expected; the CLI prints it without a stack trace.
 */
public class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "file:line: what" in the usual compiler style. */
  public static BadInputException at(Object file, long line, String what) {
    return new BadInputException(file + ":" + line + ": " + what);
  }
}
