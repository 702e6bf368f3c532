package lima.train.serve;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and slow clients over real loopback sockets: connections that stop half-way through their
 * headers, that send headers and never the body, that trickle part of a body, that connect and say
 * nothing. None of them may take the server down: /health and well-behaved requests keep being answered,
 * and the read timeout closes the stalled ones. (The train module's tests run with
 * {@code -Dsun.net.httpserver.maxReqTime=10}, so the timeout is 10 s here; {@link OpenAiServer#readTimeout}
 * reports it.)
 */
class StalledClientsTest {
  static final int EACH = 30; // 4 kinds: 120 stalled connections
  final List<Socket> sockets = new ArrayList<>();
  OpenAiServer server;

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) s.close();
    if (server != null) server.close();
  }

  Socket open(String sent) throws IOException {
    Socket s = new Socket("127.0.0.1", server.address().getPort());
    sockets.add(s);
    if (!sent.isEmpty()) {
      OutputStream out = s.getOutputStream();
      out.write(sent.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    return s;
  }

  static final String HEADERS_NO_BODY = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
  static final String HALF_HEADERS = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Le";
  static final String PART_OF_A_BODY = HEADERS_NO_BODY + "{\"messages\":[{\"role\":\"user\",";
  static final String CHUNKED_PART = "POST /v1/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"pro\r\n";

  @Test
  void stalledConnectionsNeitherBlockHealthNorRealRequestsAndAreClosedByTheReadTimeout() throws Exception {
    FakeBackend backend = new FakeBackend("Hi.", 200);
    server = OpenAiServer.start(backend, ServeOptions.defaults(0), null);
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < EACH; i++) {
      stalled.add(open(HEADERS_NO_BODY));
      stalled.add(open(HALF_HEADERS));
      stalled.add(open(PART_OF_A_BODY));
      stalled.add(open(CHUNKED_PART));
    }
    for (int i = 0; i < EACH; i++) stalled.add(open("")); // connected, silent

    // Every worker the old server had (21) is now held by a stalled client, and more.
    ServeClient client = new ServeClient(server.baseUri());
    HttpResponse<String> health = client.get("/health");
    assertEquals(200, health.statusCode(), health.body());
    assertEquals("ok", ServeClient.json(health).path("status").asText());
    HttpResponse<String> chat = client.post("/v1/chat/completions", OpenAiServerTest.chat(""));
    assertEquals(200, chat.statusCode(), chat.body());
    assertEquals("Hi.", ServeClient.json(chat).path("choices").path(0).path("message").path("content").asText());

    // ...and they were answered while every stalled client still held its connection.
    for (Socket s : stalled) assertStillOpen(s);

    // Every stalled connection is closed by the server once the read timeout has passed (the JDK's
    // idle check runs every 10 s, so a silent one may take that much longer).
    long waitMs = server.readTimeout().toMillis() + 15_000;
    for (Socket s : stalled) assertEquals("", readUntilClosed(s, waitMs), "closed without an answer");
    assertEquals(200, client.get("/health").statusCode(), "still serving after the stalled clients are gone");
    assertEquals(200, client.post("/v1/chat/completions", OpenAiServerTest.chat("")).statusCode());
  }

  @Test
  void bodiesBeyondMaxUploadsGet503AtOnceWhileHealthAnswers() throws Exception {
    FakeBackend backend = new FakeBackend("Hi.", 200);
    server = OpenAiServer.start(backend, ServeOptions.defaults(0).withClientLimits(ServeOptions.DEFAULT_READ_TIMEOUT, 512, 4), null);
    for (int i = 0; i < 4; i++) open(HEADERS_NO_BODY);
    ServeClient client = new ServeClient(server.baseUri());
    // The four stalled bodies hold every upload permit once the server has read their headers.
    HttpResponse<String> r = null;
    for (int i = 0; i < 200; i++) {
      r = client.post("/v1/chat/completions", OpenAiServerTest.chat(""));
      if (r.statusCode() != 200) break;
      Thread.sleep(20);
    }
    OpenAiServerTest.assertError(r, 503, "too_many_uploads");
    assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
    assertEquals(200, client.get("/health").statusCode());
  }

  static void assertStillOpen(Socket s) throws IOException {
    s.setSoTimeout(1);
    try {
      int b = s.getInputStream().read();
      fail("the server answered or closed a stalled connection already: " + b);
    } catch (SocketTimeoutException expected) {
      // nothing to read and not closed
    }
  }

  /** Everything the server sends until it closes the connection; fails if it stays open past waitMs. */
  static String readUntilClosed(Socket s, long waitMs) throws IOException {
    s.setSoTimeout((int) waitMs);
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[4096];
    InputStream in = s.getInputStream();
    try {
      for (int n; (n = in.read(buf)) >= 0; ) sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
    } catch (SocketTimeoutException e) {
      fail("a stalled connection was still open " + waitMs + " ms later; got so far: " + sb);
    } catch (SocketException e) {
      // reset by the server: closed too
    }
    return sb.toString();
  }
}
