package lima.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * The one driver of every curation stage: the {@code --if-changed} check, the run folder (lock,
 * {@code --force}, {@code --max-errors}), the inputs and resolved configuration in the manifest, and the
 * final stats and manifest. A source gives its work as a function of the open {@link RunDir}; the work
 * reads records, runs its filters ({@link ExampleFilter}), writes rejects through {@link RunDir#drop},
 * uses {@link Parallel#map} for parallel work and {@link Progress} for progress, and writes its outputs.
 */
public final class StageDriver {
  private StageDriver() {}

  /** What a stage is: its command name, resolved configuration, input files and output file names. */
  public record Spec(String command, Map<String, Object> config, List<Path> inputs, List<String> outputs) {
    public Spec {
      config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }

    /** A stage that writes {@code examples.jsonl}. */
    public Spec(String command, Map<String, Object> config, List<Path> inputs) {
      this(command, config, inputs, List.of(RunDir.EXAMPLES));
    }
  }

  /** The work of a stage inside its open run folder. */
  @FunctionalInterface
  public interface Work<R> {
    R run(RunDir run) throws IOException;
  }

  /**
   * Runs {@code work} in the run folder {@code options.out()}. With {@code ifChanged}, returns {@code
   * upToDate.get()} without work when the folder holds a finished run with the same fingerprint (command,
   * configuration, seed, tool version, sha256 of every input). Otherwise the fingerprint is computed on
   * its own thread while the work runs (it hashes every input, which can be gigabytes).
   */
  public static <R> R run(Spec spec, RunDir.Options options, boolean ifChanged, Supplier<R> upToDate, Work<R> work) throws IOException {
    FutureTask<String> fp = new FutureTask<>(() -> RunDir.fingerprint(spec.command(), spec.config(), options.seed(), spec.inputs()));
    if (ifChanged) {
      fp.run();
      if (RunDir.upToDate(options.out(), Parallel.get(fp))) return upToDate.get();
    } else {
      Thread.ofPlatform().daemon().name("fingerprint").start(fp);
    }
    try (RunDir run = RunDir.open(options)) {
      new java.util.TreeMap<>(spec.config()).forEach(run::config);
      for (Path p : spec.inputs()) run.input(p);
      R result = work.run(run);
      run.finish(spec.command(), spec.outputs(), Parallel.get(fp));
      return result;
    }
  }
}
