package lima.core;

import java.util.List;

/** The command line this process was started with, recorded in every manifest (set once by the CLI). */
public final class Invocation {
  private static volatile List<String> args = List.of();

  private Invocation() {}

  public static void set(String[] argv) {
    args = List.of(argv);
  }

  public static List<String> args() {
    return args;
  }
}
