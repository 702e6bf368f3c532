package lima.train.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import lima.core.Json;

/** A java.net.http client for the server tests, with SSE parsing. */
final class ServeClient {
  final URI base;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  ServeClient(URI base) {
    this.base = base;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest postRequest(String path, String body) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return http.send(postRequest(path, body), HttpResponse.BodyHandlers.ofString());
  }

  CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
    return http.sendAsync(postRequest(path, body), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return Json.MAPPER.readTree(r.body());
  }

  /** The data payloads of an SSE body, in order ("[DONE]" included as text). */
  static List<String> events(String body) {
    List<String> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      if (block.isBlank()) continue;
      if (!block.startsWith("data: ")) throw new AssertionError("not an SSE data line: " + block);
      out.add(block.substring("data: ".length()));
    }
    return out;
  }

  /** Concatenated text of SSE chunks (chat deltas or completion text). */
  static String streamedText(List<String> events) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String e : events) {
      if (e.equals("[DONE]")) continue;
      JsonNode c = Json.MAPPER.readTree(e).path("choices").path(0);
      if (c.has("delta")) sb.append(c.path("delta").path("content").asText(""));
      else sb.append(c.path("text").asText(""));
    }
    return sb.toString();
  }
}
