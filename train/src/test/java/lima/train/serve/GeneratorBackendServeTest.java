package lima.train.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import lima.core.Json;
import lima.train.model.TinyModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny random LLaMA folder (our safetensors writer, a character tokenizer.json) served over a real socket. */
class GeneratorBackendServeTest {
  @TempDir static Path dir;
  static OpenAiServer server;
  static ServeClient client;

  @BeforeAll
  static void start() throws IOException {
    Path model = dir.resolve("tiny-lima");
    TinyModel.write(model, TinyModel.config(256), 5);
    server = OpenAiServer.start(GeneratorBackend.open(model, null, 2), ServeOptions.defaults(0).withConcurrency(2, 4, java.time.Duration.ofSeconds(60)), null);
    client = new ServeClient(server.baseUri());
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  static String chat(String extra) {
    return "{\"model\":\"tiny-lima\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"}]" + extra + "}";
  }

  static JsonNode ok(HttpResponse<String> r) throws IOException {
    assertEquals(200, r.statusCode(), r.body());
    return ServeClient.json(r);
  }

  @Test
  void listsTheFolderNameAsTheModel() throws Exception {
    assertEquals("tiny-lima", ok(client.get("/v1/models")).path("data").path(0).path("id").asText());
  }

  @Test
  void topPZeroOrBelowTheTopTokensMassIsGreedy() throws Exception {
    // A random tiny model has near-flat logits: no token holds (1-p)/(n-1) of the mass for these p.
    String greedy = ok(client.post("/v1/chat/completions", chat(",\"temperature\":0,\"max_tokens\":20"))).path("choices").path(0).path("message").path("content").asText();
    for (String p : List.of("0", "1e-30", "0.0001")) {
      JsonNode r = ok(client.post("/v1/chat/completions", chat(",\"temperature\":1,\"top_p\":" + p + ",\"seed\":3,\"max_tokens\":20")));
      assertEquals(greedy, r.path("choices").path(0).path("message").path("content").asText(), "top_p " + p + " is greedy");
    }
  }

  @Test
  void streamedTextEqualsNonStreamedTextGreedyAndSampled() throws Exception {
    for (String sampling : List.of(",\"temperature\":0,\"seed\":1", ",\"temperature\":0.9,\"top_p\":0.95,\"seed\":77")) {
      JsonNode whole = ok(client.post("/v1/chat/completions", chat(sampling + ",\"max_tokens\":40")));
      String text = whole.path("choices").path(0).path("message").path("content").asText();
      HttpResponse<String> r = client.post("/v1/chat/completions", chat(sampling + ",\"max_tokens\":40,\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
      assertEquals(200, r.statusCode());
      List<String> ev = ServeClient.events(r.body());
      assertEquals("[DONE]", ev.get(ev.size() - 1));
      assertEquals(text, ServeClient.streamedText(ev), sampling);
      JsonNode usage = Json.MAPPER.readTree(ev.get(ev.size() - 2)).path("usage");
      assertEquals(whole.path("usage"), usage, "same token counts");
      assertEquals(whole.path("choices").path(0).path("finish_reason").asText(), Json.MAPPER.readTree(ev.get(ev.size() - 3)).path("choices").path(0).path("finish_reason").asText());
    }
  }

  @Test
  void chatPromptUsesTheChatLayoutAndCountsTokens() throws Exception {
    JsonNode j = ok(client.post("/v1/chat/completions", chat(",\"temperature\":0,\"max_tokens\":3")));
    // BOS + 8 characters + EOT (the character tokenizer has <|eot|>).
    assertEquals(10, j.path("usage").path("prompt_tokens").asInt());
    JsonNode sys = ok(client.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"system\",\"content\":\"Be kind\"},{\"role\":\"user\",\"content\":\"Hi there\"}],\"max_tokens\":3}"));
    assertEquals(10 + "Be kind\n\n".length(), sys.path("usage").path("prompt_tokens").asInt());
    JsonNode raw = ok(client.post("/v1/completions", "{\"prompt\":\"Hi there\",\"max_tokens\":3}"));
    assertEquals(9, raw.path("usage").path("prompt_tokens").asInt(), "a plain completion is BOS + text, no EOT");
    JsonNode empty = ok(client.post("/v1/completions", "{\"prompt\":\"\",\"max_tokens\":3}"));
    assertEquals(1, empty.path("usage").path("prompt_tokens").asInt(), "an empty prompt is BOS alone");
  }

  @Test
  void maxTokensEndsWithLength() throws Exception {
    JsonNode j = ok(client.post("/v1/completions", "{\"prompt\":\"abc\",\"max_tokens\":6,\"temperature\":0,\"repetition_penalty\":1.0}"));
    assertEquals("length", j.path("choices").path(0).path("finish_reason").asText(), j.toString());
    assertEquals(6, j.path("usage").path("completion_tokens").asInt());
    assertEquals(j.path("usage").path("prompt_tokens").asInt() + 6, j.path("usage").path("total_tokens").asInt());
  }

  @Test
  void stopStringsCutTheGreedyText() throws Exception {
    String body = "{\"prompt\":\"abc\",\"max_tokens\":30,\"temperature\":0}";
    String full = ok(client.post("/v1/completions", body)).path("choices").path(0).path("text").asText();
    assertTrue(full.length() >= 12, "need some text to cut: " + full);
    String stop = full.substring(8, 11);
    int at = full.indexOf(stop);
    String withStop = body.replace("}", ",\"stop\":[" + Json.MAPPER.writeValueAsString(stop) + "]}");
    JsonNode cut = ok(client.post("/v1/completions", withStop));
    assertEquals(full.substring(0, at), cut.path("choices").path(0).path("text").asText());
    assertEquals("stop", cut.path("choices").path(0).path("finish_reason").asText());
    List<String> ev = ServeClient.events(client.post("/v1/completions", withStop.replace("}", ",\"stream\":true}")).body());
    assertEquals(full.substring(0, at), ServeClient.streamedText(ev));
  }

  @Test
  void twoGenerationsAtOnceOnTheSharedModelGiveTheSequentialAnswers() throws Exception {
    // The server batches up to --max-concurrency generations in one decoding loop (here 2): each answer is the one it gets alone.
    String a = chat(",\"temperature\":0.8,\"seed\":11,\"max_tokens\":30");
    String b = chat(",\"temperature\":0.8,\"seed\":12,\"max_tokens\":30");
    String wantA = ok(client.post("/v1/chat/completions", a)).path("choices").path(0).path("message").path("content").asText();
    String wantB = ok(client.post("/v1/chat/completions", b)).path("choices").path(0).path("message").path("content").asText();
    for (int round = 0; round < 3; round++) {
      var fa = client.postAsync("/v1/chat/completions", a);
      var fb = client.postAsync("/v1/chat/completions", b);
      assertEquals(wantA, ok(fa.get()).path("choices").path(0).path("message").path("content").asText());
      assertEquals(wantB, ok(fb.get()).path("choices").path(0).path("message").path("content").asText());
    }
  }

  @Test
  void aPromptThatFillsTheContextIsRefused() throws Exception {
    HttpResponse<String> r = client.post("/v1/completions", "{\"prompt\":\"" + "a".repeat(300) + "\"}");
    assertEquals(400, r.statusCode());
    assertEquals("context_length_exceeded", ServeClient.json(r).path("error").path("code").asText());
  }
}
