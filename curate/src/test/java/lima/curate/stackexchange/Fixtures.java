package lima.curate.stackexchange;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small builders for Posts.xml text, posts and pairs used by the tests. */
final class Fixtures {
  private Fixtures() {}

  static final String HEADER = "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n";
  static final String FOOTER = "</posts>\n";

  static String doc(String... rows) {
    return HEADER + String.join("\n", rows) + "\n" + FOOTER;
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder();
    SyntheticDump.escape(sb, s);
    return sb.toString();
  }

  static String question(long id, int score, String title, String bodyHtml, String extra) {
    return "  <row Id=\"" + id + "\" PostTypeId=\"1\" Score=\"" + score + "\" Title=\"" + esc(title) + "\" Body=\"" + esc(bodyHtml)
        + "\" AnswerCount=\"1\" " + (extra == null ? "" : extra) + " />";
  }

  static String answer(long id, long parent, int score, String bodyHtml) {
    return "  <row Id=\"" + id + "\" PostTypeId=\"2\" ParentId=\"" + parent + "\" Score=\"" + score + "\" Body=\"" + esc(bodyHtml) + "\" />";
  }

  /** Everything a reader yields, bad rows collected as "where: reason". */
  record Read(List<Post> posts, List<String> bad) {}

  static Read readAll(String xml) throws IOException {
    return readAll(xml.getBytes(StandardCharsets.UTF_8));
  }

  static Read readAll(byte[] bytes) throws IOException {
    List<Post> posts = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    try (PostsReader r = new PostsReader(new ByteArrayInputStream(bytes), "test.xml", (w, reason, ex) -> bad.add(w + ": " + reason))) {
      Post p;
      while ((p = r.next()) != null) posts.add(p);
    }
    return new Read(posts, bad);
  }

  static Post q(long id, int score, String title) {
    return new Post(id, 1, 0, 0, score, 1, title, "<p>body</p>", List.of("t"), false, false, false, null, false, 1);
  }

  static Post a(long id, long parent, int score) {
    return new Post(id, 2, parent, 0, score, -1, null, "<p>answer</p>", List.of(), false, false, false, null, false, 2);
  }

  /** A pair whose answer Markdown is {@code answerMd}. */
  static QaPair pair(String answerMd) {
    return QaPair.converted("coffee.stackexchange.com", q(1, 10, "What is a good grinder for espresso?"), a(2, 1, 20), "body", answerMd);
  }

  static QaPair pair(Post q, Post a, String answerMd) {
    return QaPair.converted("coffee.stackexchange.com", q, a, "body", answerMd);
  }

  static String words(int chars) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < chars) sb.append("the grinder sets the particle size ");
    return sb.substring(0, chars);
  }
}
