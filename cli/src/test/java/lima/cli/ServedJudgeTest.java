package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.core.ExitCodes;
import lima.core.Json;
import lima.eval.judge.ChatClient;
import lima.eval.judge.VerdictParser;
import lima.train.model.TinyModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lima eval} against a real judge: {@code lima serve} over a tiny random LLaMA, on a free port of
 * 127.0.0.1, in this JVM. The model writes gibberish, so the verdicts are unparseable: the tests check
 * that every request reaches the server (counted server-side), every raw answer is kept, unparseable
 * answers are counted and fail the run past {@code --max-unparseable}, re-runs are answered from the
 * cache, and greedy / seeded answers make byte-identical reports.
 */
class ServedJudgeTest {
  static final String MODEL_ID = "tiny-judge";
  static final Pattern REQUEST_LOG = Pattern.compile("(?m)^POST /v1/chat/completions (\\d{3})\\b");

  @TempDir static Path shared;
  static CommandLine serveCl;
  static ServeCommand serve;
  static Thread serveThread;
  static final int[] serveRc = {-1};
  static final StringWriter serveOut = new StringWriter(), serveErr = new StringWriter();
  static String judgeUrl;
  static Path prompts, a, b;

  @TempDir Path tmp;
  final StringWriter out = new StringWriter(), err = new StringWriter();

  @BeforeAll
  static void startServer() throws Exception {
    Path model = shared.resolve("model");
    // Character-level tokenizer: a judge prompt is ~1-2k tokens, so the context must be larger than that.
    TinyModel.write(model, TinyModel.config(4096), 11);
    serveCl = LimaCommand.commandLine();
    serveCl.setOut(new PrintWriter(serveOut, true));
    serveCl.setErr(new PrintWriter(serveErr, true));
    serveThread = Thread.ofPlatform().name("test-lima-serve").start(() -> serveRc[0] = serveCl.execute(
        "serve", "--model", model.toString(), "--model-id", MODEL_ID, "--host", "127.0.0.1", "--port", "0",
        "--max-concurrency", "2", "--shutdown-grace", "1"));
    serve = serveCl.getSubcommands().get("serve").getCommand();
    assertTrue(serve.started.await(120, TimeUnit.SECONDS), "lima serve did not start: " + serveErr);
    Matcher m = Pattern.compile("serving " + MODEL_ID + " at (http://127\\.0\\.0\\.1:\\d+)/v1").matcher(serveOut.toString());
    assertTrue(m.find(), serveOut.toString());
    judgeUrl = m.group(1);

    prompts = shared.resolve("prompts.jsonl");
    Files.writeString(prompts, """
        {"id":"p1","conversations":["How do I boil an egg?"],"source":"test"}
        {"id":"p2","conversations":["Name three primary colours."],"source":"test"}
        {"id":"p3","conversations":["What is 2 + 2?"],"source":"test"}
        """);
    a = shared.resolve("model-a.jsonl");
    Files.writeString(a, """
        {"id":"p1","response":"Put the egg in boiling water for nine minutes, then cool it in cold water."}
        {"id":"p2","response":"Red, yellow and blue."}
        {"id":"p3","response":"4"}
        """);
    b = shared.resolve("model-b.jsonl");
    Files.writeString(b, """
        {"id":"p1","response":"Eggs are nice."}
        {"id":"p2","response":"Green."}
        {"id":"p3","response":"2 + 2 is 4, because adding two and two gives four."}
        """);
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (serve != null && serve.server != null) serve.server.close();
    if (serveThread != null) serveThread.join(60_000);
    assertEquals(0, serveRc[0], serveErr.toString());
    assertTrue(serveOut.toString().contains("stopped: "), serveOut.toString());
  }

  @BeforeEach
  void noKey() {
    JudgeMixin.env = name -> null; // no Authorization header, whatever the environment holds
  }

  @AfterEach
  void restoreEnv() {
    JudgeMixin.env = System::getenv;
  }

  /** Chat completions the server answered with 200 so far, from its own request log and its counter. */
  static long served() {
    long logged = 0;
    Matcher m = REQUEST_LOG.matcher(serveErr.toString());
    while (m.find()) {
      assertEquals("200", m.group(1), "the judge client sent a request the server refused:\n" + serveErr);
      logged++;
    }
    assertEquals(serve.server.completionsServed(), logged, serveErr.toString());
    return logged;
  }

  int lima(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    var cl = LimaCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  String[] pairwise(Path o, String maxUnparseable, String... more) {
    List<String> args = new ArrayList<>(List.of("eval", "pairwise", "--prompts", prompts.toString(), "--a", a.toString(), "--b", b.toString(),
        "--judge", judgeUrl, "--judge-model", MODEL_ID, "--max-tokens", "12", "--retries", "0", "--timeout", "60",
        "--max-unparseable", maxUnparseable, "--bootstrap", "200", "--out", o.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  String[] likert(Path o, String maxUnparseable, String... more) {
    List<String> args = new ArrayList<>(List.of("eval", "likert", "--prompts", prompts.toString(), "--responses", "A=" + a, "--responses", "B=" + b,
        "--samples", "2", "--temperature", "0.9", "--judge", judgeUrl, "--judge-model", MODEL_ID, "--max-tokens", "12", "--retries", "0", "--timeout", "60",
        "--max-unparseable", maxUnparseable, "--bootstrap", "200", "--out", o.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  static List<JsonNode> jsonl(Path f) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) if (!line.isBlank()) rows.add(Json.MAPPER.readTree(line));
    return rows;
  }

  /** The message contents of every response in a cache file, as the server sent them. */
  static List<String> cachedContents(Path cache) throws Exception {
    List<String> contents = new ArrayList<>();
    for (JsonNode e : jsonl(cache)) {
      assertEquals(MODEL_ID, e.path("model").asText());
      JsonNode served = Json.MAPPER.readTree(e.path("response").asText());
      assertEquals("chat.completion", served.path("object").asText(), served.toString());
      assertEquals(MODEL_ID, served.path("model").asText(), served.toString());
      contents.add(ChatClient.content(e.path("response").asText()).orElseThrow());
    }
    return contents;
  }

  static int stat(Path o, String group, String name) throws Exception {
    JsonNode stats = Json.MAPPER.readTree(o.resolve("stats.json").toFile());
    JsonNode v = stats.path(group).path(name);
    assertTrue(v.canConvertToInt(), group + "/" + name + " missing in " + stats);
    return v.asInt();
  }

  @Test
  void pairwiseKeepsTheServedModelsRawAnswersAndFailsPastMaxUnparseable() throws Exception {
    Path o = tmp.resolve("pairwise");
    long before = served();
    int rc = lima(pairwise(o, "1"));
    // 3 prompts x 2 orders, all different requests: 6 reach the server
    assertEquals(6, served() - before, serveErr.toString());
    assertEquals(6, stat(o, "judge", "requests_sent"));
    assertEquals(6, jsonl(o.resolve("cache.jsonl")).size());

    List<JsonNode> judgments = jsonl(o.resolve("judgments.jsonl"));
    assertEquals(List.of("p1", "p2", "p3"), judgments.stream().map(j -> j.path("id").asText()).toList());
    List<String> raws = new ArrayList<>();
    int unparsed = 0;
    for (JsonNode j : judgments) {
      assertEquals(2, j.path("asks").size(), j.toString());
      for (JsonNode ask : j.path("asks")) {
        assertTrue(ask.path("raw").isTextual(), "raw judge text kept: " + ask);
        assertFalse(ask.has("error"), ask.toString());
        String raw = ask.path("raw").asText();
        raws.add(raw);
        boolean parses = VerdictParser.pairwise(raw) != null;
        assertEquals(parses, ask.path("parsed").asBoolean(), ask.toString());
        if (!parses) unparsed++;
      }
      if (j.path("status").asText().equals("unparseable")) assertTrue(j.path("label").isNull(), j.toString());
    }
    // the raw texts are exactly what the server answered
    assertEquals(cachedContents(o.resolve("cache.jsonl")).stream().sorted().toList(), raws.stream().sorted().toList());
    assertTrue(raws.stream().anyMatch(r -> !r.isEmpty()), "the served model wrote text: " + raws);
    assertTrue(unparsed > 1, "a random model should not write 'Verdict: Response 1' lines: " + raws);
    assertEquals(unparsed, stat(o, "judge", "unparseable_answers"));
    assertEquals(unparsed, Json.MAPPER.readTree(o.resolve("report.json").toFile()).path("details").path("unparseable_answers").asInt(-1));

    assertEquals(ExitCodes.DATA, rc, out + "\n" + err);
    assertTrue(err.toString().contains(unparsed + " of 6 judge answers") && err.toString().contains("had no parseable verdict, more than --max-unparseable 1"), err.toString());
    assertTrue(err.toString().contains("judgments.jsonl"), "the message names where the raw answers are: " + err);

    // the same OUT again, allowing every answer to be unparseable: all from the cache, and a report
    long again = served();
    rc = lima(pairwise(o, "100%", "--force"));
    assertEquals(0, rc, out + "\n" + err);
    assertEquals(0, served() - again, "a re-run must not ask the server again:\n" + serveErr);
    assertTrue(out.toString().contains(unparsed + " unparseable answers, 0 requests sent, 6 from cache"), out.toString());
    assertEquals(6, stat(o, "judge", "cache_hits"));
    assertEquals(0, stat(o, "judge", "requests_sent"));
    for (String f : List.of("report.json", "report.md", "labels.jsonl", "judgments.jsonl", "manifest.json"))
      assertTrue(Files.isRegularFile(o.resolve(f)), f + " written");
    assertEquals(judgments, jsonl(o.resolve("judgments.jsonl")), "the cached answers give the same judgments");
    assertEquals(6 - unparsed, Json.MAPPER.readTree(o.resolve("report.json").toFile()).path("details").path("position_bias").path("parsed_answers").asInt(-1));
  }

  @Test
  void pairwiseAtTemperatureZeroGivesByteIdenticalReportsFromTwoFreshRuns() throws Exception {
    Path o1 = tmp.resolve("greedy-1"), o2 = tmp.resolve("greedy-2");
    long before = served();
    assertEquals(0, lima(pairwise(o1, "100%")), out + "\n" + err);
    assertEquals(0, lima(pairwise(o2, "100%")), out + "\n" + err);
    // no shared cache: both runs asked the server everything
    assertEquals(12, served() - before, serveErr.toString());
    for (JsonNode e : jsonl(o1.resolve("cache.jsonl"))) assertEquals(0.0, e.path("request").path("temperature").asDouble(-1), e.toString());
    assertEquals(Files.readString(o1.resolve("judgments.jsonl")), Files.readString(o2.resolve("judgments.jsonl")));
    assertArrayEquals(Files.readAllBytes(o1.resolve("report.json")), Files.readAllBytes(o2.resolve("report.json")));
  }

  @Test
  void likertCountsUnparseableScoresCachesAndRepeatsWithSeededSamples() throws Exception {
    Path o = tmp.resolve("likert");
    long before = served();
    int rc = lima(likert(o, "5%"));
    // 2 models x 3 prompts x 2 samples (each sample carries its own seed): 12 requests
    assertEquals(12, served() - before, serveErr.toString());
    List<JsonNode> scores = jsonl(o.resolve("scores.jsonl"));
    assertEquals(12, scores.size());
    int unparsed = 0;
    List<String> raws = new ArrayList<>();
    for (JsonNode s : scores) {
      assertTrue(s.path("raw").isTextual(), "raw judge text kept: " + s);
      raws.add(s.path("raw").asText());
      Integer parsed = VerdictParser.likert(s.path("raw").asText());
      if (parsed == null) {
        unparsed++;
        assertTrue(s.path("score").isNull(), s.toString());
      } else {
        assertEquals(parsed.intValue(), s.path("score").asInt(), s.toString());
      }
    }
    assertEquals(cachedContents(o.resolve("cache.jsonl")).stream().sorted().toList(), raws.stream().sorted().toList());
    for (JsonNode e : jsonl(o.resolve("cache.jsonl"))) {
      assertEquals(0.9, e.path("request").path("temperature").asDouble(), e.toString());
      assertTrue(e.path("request").path("seed").canConvertToLong(), e.toString());
      assertEquals(12, e.path("request").path("max_tokens").asInt(), e.toString());
    }
    assertTrue(raws.stream().anyMatch(r -> !r.isEmpty()), "the served model wrote text: " + raws);
    assertTrue(unparsed > 1, "a random model should not end with a lone 1-6: " + raws);
    assertEquals(unparsed, stat(o, "judge", "unparseable_answers"));
    assertEquals(ExitCodes.DATA, rc, out + "\n" + err);
    assertTrue(err.toString().contains(unparsed + " of 12 judge answers had no score alone on the last line, more than --max-unparseable 5%"), err.toString());

    long again = served();
    assertEquals(0, lima(likert(o, "100%", "--force")), out + "\n" + err);
    assertEquals(0, served() - again, "a re-run must not ask the server again:\n" + serveErr);
    assertEquals(12, stat(o, "judge", "cache_hits"));
    // the summary counts what was sent (nothing: every answer came from the cache), not what was needed
    assertTrue(out.toString().contains("(12 answers: 0 requests sent, 12 from cache; " + unparsed + " unparseable)"), out.toString());
    for (String f : List.of("report.json", "report.md", "scores.jsonl")) assertTrue(Files.isRegularFile(o.resolve(f)), f + " written");
    byte[] report = Files.readAllBytes(o.resolve("report.json"));

    // a fresh OUT: the same seeded requests, answered again by the server, give the same bytes
    Path o2 = tmp.resolve("likert-2");
    long fresh = served();
    assertEquals(0, lima(likert(o2, "100%")), out + "\n" + err);
    assertEquals(12, served() - fresh, serveErr.toString());
    assertEquals(Files.readString(o.resolve("scores.jsonl")), Files.readString(o2.resolve("scores.jsonl")));
    assertArrayEquals(report, Files.readAllBytes(o2.resolve("report.json")));
  }

  @Test
  void absoluteCountsUnparseableRatingsInItsStats() throws Exception {
    Path o = tmp.resolve("absolute");
    long before = served();
    int rc = lima("eval", "absolute", "--prompts", prompts.toString(), "--responses", "A=" + a, "--judge", judgeUrl, "--judge-model", MODEL_ID,
        "--max-tokens", "12", "--retries", "0", "--max-unparseable", "0", "--bootstrap", "200", "--out", o.toString());
    assertEquals(3, served() - before, serveErr.toString());
    int unparsed = 0;
    for (JsonNode r : jsonl(o.resolve("ratings.jsonl"))) {
      assertTrue(r.path("raw").isTextual(), "raw judge text kept: " + r);
      if (VerdictParser.absolute(r.path("raw").asText()) == null) unparsed++;
    }
    assertTrue(unparsed > 0, "a random model should not write 'Rating: Pass' lines");
    assertEquals(unparsed, stat(o, "judge", "unparseable_answers"));
    assertEquals(0, stat(o, "judge", "failed_requests"));
    assertEquals(ExitCodes.DATA, rc, out + "\n" + err);
    assertTrue(err.toString().contains(unparsed + " of 3 judge answers had no parseable rating, more than --max-unparseable 0"), err.toString());
  }
}
