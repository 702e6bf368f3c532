package lima.train.fsdp;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lima.core.ExitCodes;
import lima.core.Json;
import lima.core.UserException;
import lima.train.fit.TrainConfig;

/**
 * Starts and supervises the ranks of an fsdp run: PyTorch's own launcher ({@code python -m torch.distributed.run},
 * i.e. torchrun) with {@code -m lima_fsdp OUT/run-spec.json}. Rank 0 reports JSON events on stdout (lines starting
 * with {@code @lima }); everything else torchrun prints goes to {@code OUT/logs/launcher.log}, each rank's output to
 * {@code OUT/logs/rank-N.log}. When the ranks fail, the failing rank's one-line error (its
 * {@code logs/error-rank-N.txt}, or torchrun's root-cause report when the rank left none, e.g. killed by a signal)
 * becomes lima's error. lima's own end (Ctrl-C, SIGTERM) stops torchrun, which stops every rank; a kill -9 of lima
 * is noticed by the ranks themselves ({@code LIMA_LAUNCHER_PID}).
 */
public final class FsdpLauncher {
  public static final String EVENT_PREFIX = "@lima ";
  public static final String LOGS = "logs";
  public static final String LAUNCHER_LOG = "launcher.log";
  private static final Pattern ANY_RANK = Pattern.compile("\\brank\\s*:\\s*(\\d+)[^\\n]*\\n\\s*exitcode\\s*:\\s*(-?\\d+)");
  private static final Pattern ROOT_RANK = Pattern.compile("Root Cause.*?\\brank\\s*:\\s*(\\d+).*?exitcode\\s*:\\s*(-?\\d+)", Pattern.DOTALL);

  private FsdpLauncher() {}

  /** What {@code python -m lima_fsdp.check} reported: the Python and torch versions, the CUDA devices. */
  public record PythonInfo(String python, String torch, int cudaDevices) {}

  /**
   * Checks that {@code python} can run the worker (Python 3.9+, torch >= 2.7 with FSDP2, numpy); otherwise one
   * line saying what to install.
   */
  public static PythonInfo check(String python, Path workerRoot) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(python, "-m", "lima_fsdp.check").redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", pythonPath(workerRoot));
    String text;
    int rc;
    try {
      Process p = pb.start();
      text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      rc = p.waitFor();
    } catch (IOException e) {
      throw new UserException("--python " + python + ": cannot run it (" + firstLine(e.getMessage())
          + "); the fsdp engine needs Python 3.9+ with torch>=2.7 and numpy: run make venv (it makes ~/.cache/lima/venv-torch2.7.1) and pass --python ~/.cache/lima/venv-torch2.7.1/bin/python");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while checking --python " + python);
    }
    String last = text.strip().lines().reduce((a, b) -> b).orElse("");
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(last);
    } catch (IOException e) {
      n = null;
    }
    if (n == null || !n.isObject())
      throw new UserException("--python " + python + ": cannot run the fsdp worker check (exit " + rc + ": " + firstLine(text)
          + "); it needs Python 3.9+ with torch>=2.7 and numpy (make venv)");
    if (!n.path("ok").asBoolean(false)) throw new UserException("--python " + python + ": " + n.path("error").asText());
    return new PythonInfo(n.path("python").asText(), n.path("torch").asText(), n.path("cuda_devices").asInt());
  }

  static String pythonPath(Path workerRoot) {
    String old = System.getenv("PYTHONPATH");
    return workerRoot.toString() + (old == null || old.isBlank() ? "" : java.io.File.pathSeparator + old);
  }

  /** The torchrun command of node {@code nodeRank} (without the environment). */
  public static List<String> command(TrainConfig c, int nodeRank, Path spec) {
    List<String> cmd = new ArrayList<>(List.of(c.python(), "-m", "torch.distributed.run"));
    cmd.addAll(List.of("--nnodes", Integer.toString(c.nnodes()), "--nproc-per-node", Integer.toString(c.nprocPerNode())));
    if (c.nnodes() == 1) {
      cmd.add("--standalone"); // a free local port: several single-node runs can share a machine
    } else {
      cmd.addAll(List.of("--node-rank", Integer.toString(nodeRank), "--master-addr", c.masterAddr(), "--master-port", Integer.toString(c.masterPort())));
    }
    cmd.addAll(List.of("--max-restarts", "0", "-m", "lima_fsdp", spec.toAbsolutePath().normalize().toString()));
    return cmd;
  }

  /** The per-node command lines for a scheduler (SLURM and the like): {@code --print-launch}. */
  public static String printLaunch(TrainConfig c, Path workerRoot, Path spec) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "# lima train --engine fsdp: %d node(s) x %d rank(s); run each line on its node (the same OUT on a shared file system)%n",
        c.nnodes(), c.nprocPerNode()));
    for (int r = 0; r < c.nnodes(); r++) {
      List<String> words = new ArrayList<>();
      words.add("PYTHONPATH=" + shellQuote(workerRoot.toString()));
      if (c.threads() > 0) words.add("OMP_NUM_THREADS=" + c.threads());
      for (String w : command(c, r, spec)) words.add(shellQuote(w));
      sb.append(String.join(" ", words)).append('\n');
    }
    return sb.toString();
  }

  static String shellQuote(String s) {
    if (s.matches("[A-Za-z0-9_./=:@%+,-]+")) return s;
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** How a launch ended. */
  public record Outcome(boolean finished, long step, double lastLoss) {}

  /**
   * Runs torchrun for this node and waits for it; {@code onEvent} sees every event of rank 0. Returns when the
   * ranks are done; a failure is a one-line {@link UserException}.
   */
  public static Outcome run(TrainConfig c, Path out, Path workerRoot, Path spec, Consumer<JsonNode> onEvent) throws IOException {
    Path logs = out.resolve(LOGS);
    Files.createDirectories(logs);
    if (c.nodeRank() == 0) {
      try (Stream<Path> s = Files.list(logs)) {
        for (Path p : s.toList()) if (p.getFileName().toString().startsWith("error-rank-")) Files.deleteIfExists(p);
      }
    }
    Path launcherLog = logs.resolve(c.nodeRank() == 0 ? LAUNCHER_LOG : "launcher-node-" + c.nodeRank() + ".log");
    ProcessBuilder pb = new ProcessBuilder(command(c, c.nodeRank(), spec));
    pb.environment().put("PYTHONPATH", pythonPath(workerRoot));
    pb.environment().put("LIMA_LAUNCHER_PID", Long.toString(ProcessHandle.current().pid()));
    pb.environment().put("PYTHONUNBUFFERED", "1");
    if (c.threads() > 0) pb.environment().put("OMP_NUM_THREADS", Integer.toString(c.threads()));
    pb.redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UserException("--python " + c.python() + ": cannot start torchrun (" + firstLine(e.getMessage()) + ")");
    }
    Thread stopper = new Thread(() -> stop(p), "lima-fsdp-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    boolean[] finished = {false};
    long[] step = {0};
    double[] lastLoss = {Double.NaN};
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Writer log = Files.newBufferedWriter(launcherLog, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith(EVENT_PREFIX)) {
          JsonNode ev;
          try {
            ev = Json.MAPPER.readTree(line.substring(EVENT_PREFIX.length()));
          } catch (IOException e) {
            continue;
          }
          String kind = ev.path("event").asText();
          if (kind.equals("done")) {
            finished[0] = ev.path("finished").asBoolean();
            step[0] = ev.path("step").asLong();
            lastLoss[0] = ev.path("last_loss").isNumber() ? ev.path("last_loss").asDouble() : Double.NaN;
          }
          onEvent.accept(ev);
        } else {
          log.write(line);
          log.write('\n');
          log.flush();
        }
      }
      int rc = p.waitFor();
      if (rc != 0) throw failure(logs, launcherLog, rc);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(p);
      throw new UserException("interrupted; the ranks were stopped (the last checkpoint in " + out + " is intact)", 130);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs and stops torchrun
      }
    }
    return new Outcome(finished[0], step[0], lastLoss[0]);
  }

  /** SIGTERM to torchrun (it forwards it to every rank), then SIGKILL to whatever is left after 30 s. */
  static void stop(Process p) {
    if (!p.isAlive()) return;
    List<ProcessHandle> kids = p.descendants().toList();
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle h : kids) if (h.isAlive()) h.destroyForcibly();
  }

  /** The one-line error of a failed launch. */
  static UserException failure(Path logs, Path launcherLog, int rc) throws IOException {
    String torchrun = Files.isRegularFile(launcherLog) ? Files.readString(launcherLog, StandardCharsets.UTF_8) : "";
    int root = -1;
    String exit = null;
    Matcher m = ROOT_RANK.matcher(torchrun.substring(Math.max(0, torchrun.lastIndexOf("Root Cause") - 20)));
    if (m.find()) {
      root = Integer.parseInt(m.group(1));
      exit = m.group(2);
    }
    // A rank killed by a signal is the cause even when another rank's failure (its peer's connection closing) was
    // observed first: prefer it, from every failure of torchrun's last report.
    int report = torchrun.lastIndexOf("Failures:");
    if (report >= 0 && (exit == null || Integer.parseInt(exit) >= 0)) {
      Matcher all = ANY_RANK.matcher(torchrun.substring(report));
      while (all.find()) {
        if (Integer.parseInt(all.group(2)) < 0) {
          root = Integer.parseInt(all.group(1));
          exit = all.group(2);
          break;
        }
      }
    }
    List<Path> errors;
    try (Stream<Path> s = Files.list(logs)) {
      errors = new ArrayList<>(s.filter(f -> f.getFileName().toString().startsWith("error-rank-")).toList());
    }
    errors.sort(Comparator.comparingLong(f -> {
      try {
        return Files.getLastModifiedTime(f).toMillis();
      } catch (IOException e) {
        return Long.MAX_VALUE;
      }
    }));
    // torchrun's root cause is the rank that failed first; the others' errors (a closed connection) only follow from it
    Path chosen = root >= 0 ? (Files.isRegularFile(logs.resolve("error-rank-" + root + ".txt")) ? logs.resolve("error-rank-" + root + ".txt") : null)
        : errors.isEmpty() ? null : errors.get(0);
    if (chosen != null) {
      String msg = firstLine(Files.readString(chosen, StandardCharsets.UTF_8));
      String rank = chosen.getFileName().toString().replaceAll("\\D", "");
      return new UserException(msg + " (full log: " + logs.resolve("rank-" + rank + ".log") + ")", ExitCodes.SOFTWARE);
    }
    if (root >= 0) {
      int x = Integer.parseInt(exit);
      String how = x < 0 ? "was killed by signal " + (-x) + signalName(-x) : "exited with code " + x;
      return new UserException("rank " + root + " " + how + "; every rank was stopped (full log: " + logs.resolve("rank-" + root + ".log") + ")");
    }
    String tail = torchrun.strip().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no output");
    return new UserException("torchrun failed with exit code " + rc + ": " + tail + " (see " + launcherLog + ")");
  }

  private static String signalName(int sig) {
    return switch (sig) {
      case 9 -> " (SIGKILL; out of memory?)";
      case 15 -> " (SIGTERM)";
      case 2 -> " (SIGINT)";
      case 6 -> " (SIGABRT)";
      case 11 -> " (SIGSEGV)";
      default -> "";
    };
  }

  static String firstLine(String s) {
    if (s == null) return "";
    return s.strip().lines().findFirst().orElse("");
  }
}
