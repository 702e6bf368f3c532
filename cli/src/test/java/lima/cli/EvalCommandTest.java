package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import lima.core.ExitCodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
  static final String SECRET = "sk-CLI-SECRET-5150";
  @TempDir Path tmp;
  HttpServer server;
  final List<String> authHeaders = new CopyOnWriteArrayList<>();
  final StringWriter out = new StringWriter(), err = new StringWriter();

  static Path samples() {
    return Path.of(System.getProperty("lima.root", "..")).resolve("data/samples/eval");
  }

  /** A minimal OpenAI-compatible server whose every answer ends with {@code lastLine}. */
  String serve(String lastLine) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/chat/completions",
        ex -> {
          ex.getRequestBody().readAllBytes();
          authHeaders.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          String content = "Some reasoning.\\n" + lastLine;
          byte[] body = ("{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}").getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  @AfterEach
  void stop() {
    if (server != null) server.stop(0);
    JudgeMixin.env = System::getenv;
  }

  int lima(String... args) {
    var cl = LimaCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void pairwiseTakesTheKeyFromTheEnvironmentAndNeverWritesIt() throws Exception {
    String url = serve("Verdict: Response 1");
    JudgeMixin.env = name -> name.equals("LIMA_TEST_KEY") ? SECRET : null;
    Path o = tmp.resolve("pw");
    int rc = lima("eval", "pairwise", "--prompts", samples().resolve("prompts.jsonl").toString(), "--a", samples().resolve("lima-7b.jsonl").toString(), "--b", samples().resolve("baseline.jsonl").toString(),
        "--judge", url, "--judge-model", "fake", "--api-key-env", "LIMA_TEST_KEY", "--out", o.toString(), "--bootstrap", "500");
    assertEquals(0, rc, err.toString());
    assertEquals(24, authHeaders.size());
    assertTrue(authHeaders.stream().allMatch(("Bearer " + SECRET)::equals));
    // always "Response 1": every item's two orders disagree, so every item is a tie
    assertTrue(out.toString().contains("win 0.0% [0.0, 0.0], tie 100.0% [100.0, 100.0]"), out.toString());
    assertFalse(out.toString().contains(SECRET) || err.toString().contains(SECRET));
    try (var files = Files.walk(o)) {
      for (Path f : files.filter(Files::isRegularFile).toList())
        assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(SECRET), f + " holds the key");
    }
    assertTrue(Files.readString(o.resolve("report.json")).contains("\"picked_first_shown\" : 24"));
  }

  @Test
  void unparseableVerdictsFailLoudly() throws Exception {
    String url = serve("I like both.");
    int rc = lima("eval", "pairwise", "--prompts", samples().resolve("prompts.jsonl").toString(), "--a", samples().resolve("lima-7b.jsonl").toString(), "--b", samples().resolve("baseline.jsonl").toString(),
        "--judge", url, "--judge-model", "fake", "--out", tmp.resolve("pw").toString(), "--max-unparseable", "3");
    assertEquals(ExitCodes.DATA, rc);
    assertTrue(err.toString().contains("24 of 24 judge answers") && err.toString().contains("--max-unparseable 3"), err.toString());
    // allowed: the summaries say so instead of printing NaN or nothing
    assertEquals(0, lima("eval", "pairwise", "--prompts", samples().resolve("prompts.jsonl").toString(), "--a", samples().resolve("lima-7b.jsonl").toString(), "--b", samples().resolve("baseline.jsonl").toString(),
        "--judge", url, "--judge-model", "fake", "--out", tmp.resolve("pw").toString(), "--force", "--max-unparseable", "100%", "--bootstrap", "100"), err.toString());
    assertTrue(out.toString().contains("lima-7b vs baseline: no judgments over 0 prompts"), out.toString());
    assertEquals(0, lima("eval", "absolute", "--prompts", samples().resolve("prompts.jsonl").toString(), "--responses", samples().resolve("lima-7b.jsonl").toString(),
        "--judge", url, "--judge-model", "fake", "--out", tmp.resolve("abs").toString(), "--max-unparseable", "100%", "--bootstrap", "100"), err.toString());
    assertTrue(out.toString().contains("lima-7b (judge:fake): no judgments ->"), out.toString());
    assertFalse(out.toString().contains("NaN"), out.toString());
  }

  @Test
  void sheetsAgreementAndReportOnTheBundledSamples() throws Exception {
    Path s = samples();
    assertEquals(0, lima("eval", "sheet", "import", s.resolve("alice.csv").toString(), s.resolve("bob.csv").toString(), "--key", s.resolve("sheet.key.csv").toString(), "--out", tmp.resolve("sheet").toString()), err.toString());
    assertEquals(0, lima("eval", "agreement", tmp.resolve("sheet").toString(), "--out", tmp.resolve("agree").toString()), err.toString());
    // hand-worked in data/samples/eval/README.md: 8.5 points over 11 shared prompts
    assertTrue(out.toString().contains("alice/bob 77.3%"), out.toString());
    assertEquals(0, lima("eval", "sheet", "import", s.resolve("alice.csv").toString(), "--key", s.resolve("sheet.key.csv").toString(), "--out", tmp.resolve("alice").toString()), err.toString());
    assertEquals(0, lima("eval", "agreement", tmp.resolve("alice").toString(), "--out", tmp.resolve("agree1").toString()), err.toString());
    assertTrue(out.toString().contains("agreement of 1 raters: no judgments (no two raters labelled a prompt in common)"), out.toString());
    assertEquals(0, lima("eval", "absolute", "--sheet", s.resolve("absolute-carol.csv").toString(), "--prompts", s.resolve("prompts.jsonl").toString(), "--out", tmp.resolve("abs").toString()), err.toString());
    assertTrue(out.toString().contains("Fail 8% Pass 42% Excellent 50% of 12"), out.toString());
    assertEquals(0, lima("eval", "report", tmp.resolve("sheet").toString(), tmp.resolve("agree").toString(), tmp.resolve("abs").toString(), "--out", tmp.resolve("report").toString()), err.toString());
    assertTrue(Files.isRegularFile(tmp.resolve("report/win-tie-loss.svg")));
  }

  @Test
  void usageErrors() {
    assertEquals(ExitCodes.USAGE, lima("eval", "absolute", "--out", tmp.resolve("x").toString()));
    assertTrue(err.toString().contains("--judge"), err.toString());
    Path s = samples();
    assertEquals(ExitCodes.USAGE, lima("eval", "pairwise", "--prompts", s.resolve("prompts.jsonl").toString(), "--a", s.resolve("lima-7b.jsonl").toString(), "--b", s.resolve("baseline.jsonl").toString(), "--judge", "ftp://x", "--judge-model", "m", "--out", tmp.resolve("y").toString()));
    assertTrue(err.toString().contains("must be an http(s) URL"), err.toString());
    // eval commands take no --threads or --if-changed (they used to accept and ignore them)
    for (String opt : new String[] {"--threads=2", "--if-changed"}) {
      assertEquals(ExitCodes.USAGE, lima("eval", "agreement", s.resolve("alice.csv").toString(), "--out", tmp.resolve("z").toString(), opt), opt);
      assertTrue(err.toString().contains("Unknown option: '" + opt + "'"), err.toString());
    }
    assertEquals(ExitCodes.USAGE, lima("eval", "report", tmp.toString(), "--out", tmp.resolve("r").toString(), "--seed", "3"));
    // absolute sheets need the prompts, so that unknown ids can be refused
    assertEquals(ExitCodes.USAGE, lima("eval", "absolute", "--sheet", s.resolve("absolute-carol.csv").toString(), "--out", tmp.resolve("a").toString()));
    assertTrue(err.toString().contains("--sheet needs --prompts"), err.toString());
  }
}
