package lima.curate.stackexchange;

import static lima.curate.stackexchange.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import lima.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile documents are an error or ignored, never obeyed: nothing is fetched, read or expanded. */
class HostileXmlTest {
  @TempDir Path tmp;

  private static final String DECL = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";

  /** Reads a document; returns the posts' titles and bodies joined, or the error message. */
  private static String outcome(String xml) {
    try {
      Read r = readAll(xml);
      StringBuilder sb = new StringBuilder("ok:");
      for (Post p : r.posts()) sb.append(p.title()).append('|').append(p.body()).append(';');
      // Rows the reader refused (a well-formedness error is a bad row; reading resumes after it).
      for (String b : r.bad()) sb.append("bad:").append(b).append(';');
      return sb.toString();
    } catch (BadInputException e) {
      return "error:" + e.getMessage();
    } catch (java.io.IOException e) {
      return "io:" + e.getMessage();
    }
  }

  @Test
  void externalFileEntityIsNeverRead() throws Exception {
    Path secret = tmp.resolve("secret.txt");
    Files.writeString(secret, "TOPSECRET");
    String xml =
        DECL + "<!DOCTYPE posts [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n<posts>\n  <row Id=\"1\" PostTypeId=\"1\" Title=\"&xxe;\" />\n</posts>\n";
    String out = outcome(xml);
    assertFalse(out.contains("TOPSECRET"), out);
    assertTrue(out.startsWith("ok:bad:test.xml:4:"), out);
  }

  @Test
  void externalEntityInTextIsNeverRead() throws Exception {
    Path secret = tmp.resolve("secret2.txt");
    Files.writeString(secret, "TOPSECRET");
    String xml = DECL + "<!DOCTYPE posts [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n<posts>&xxe;\n  <row Id=\"1\" PostTypeId=\"1\" />\n</posts>\n";
    String out = outcome(xml);
    assertFalse(out.contains("TOPSECRET"), out);
  }

  @Test
  void externalDtdIsNotFetched() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger hits = new AtomicInteger();
    server.createContext(
        "/",
        ex -> {
          hits.incrementAndGet();
          byte[] b = "<!ENTITY t \"FROMDTD\">".getBytes();
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/posts.dtd";
      String xml = DECL + "<!DOCTYPE posts SYSTEM \"" + url + "\">\n<posts>\n  <row Id=\"1\" PostTypeId=\"1\" Title=\"plain\" />\n</posts>\n";
      String out = outcome(xml);
      assertEquals("ok:plain|null;", out, "a DOCTYPE pointing elsewhere is ignored and the rows are read");
      String withRef = DECL + "<!DOCTYPE posts SYSTEM \"" + url + "\">\n<posts>\n  <row Id=\"1\" PostTypeId=\"1\" Title=\"&t;\" />\n</posts>\n";
      String out2 = outcome(withRef);
      assertFalse(out2.contains("FROMDTD"), out2);
      assertEquals(0, hits.get(), "the DTD must never be fetched");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void billionLaughsStopsWithAnErrorInsteadOfGrowing() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE posts [<!ENTITY l0 \"lol\">");
    for (int i = 1; i <= 10; i++) dtd.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
    dtd.append("]>");
    String xml = DECL + dtd + "\n<posts>\n  <row Id=\"1\" PostTypeId=\"1\" Title=\"&l10;\" />\n</posts>\n";
    String out = outcome(xml);
    assertTrue(out.startsWith("ok:bad:test.xml:4:"), out.length() > 200 ? out.substring(0, 200) : out);
    assertFalse(out.contains("lollol"), "nothing expanded");
    assertTrue(out.length() < 2000, "no expansion in the message");
  }

  @Test
  void internalEntityIsNotExpanded() {
    String xml = DECL + "<!DOCTYPE posts [<!ENTITY e \"EXPANDED\">]>\n<posts>\n  <row Id=\"1\" PostTypeId=\"1\" Body=\"&e;\" />\n</posts>\n";
    String out = outcome(xml);
    assertFalse(out.contains("EXPANDED"), out);
  }

  @Test
  void parameterEntityIsNotFollowed() throws Exception {
    Path ext = tmp.resolve("ext.dtd");
    Files.writeString(ext, "<!ENTITY leak \"LEAKED\">");
    String xml = DECL + "<!DOCTYPE posts [<!ENTITY % p SYSTEM \"" + ext.toUri() + "\"> %p;]>\n<posts>\n  <row Id=\"1\" PostTypeId=\"1\" Title=\"&leak;\" />\n</posts>\n";
    String out = outcome(xml);
    assertFalse(out.contains("LEAKED"), out);
  }

  @Test
  void theRealDumpDoctypeLineIsHarmless() {
    String xml = "\uFEFF" + DECL + "<!DOCTYPE posts SYSTEM 'posts.dtd'>\n<posts>\n  <row Id=\"1\" PostTypeId=\"1\" Title=\"fine\" />\n</posts>\n";
    assertEquals("ok:fine|null;", outcome(xml));
  }
}
