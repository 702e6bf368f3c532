package lima.cli;

import lima.core.Invocation;

/** Entry point of the {@code lima} launcher. The only place that calls System.exit. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Invocation.set(args);
    System.exit(LimaCommand.commandLine().execute(args));
  }
}
