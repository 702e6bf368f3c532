package lima.curate.stackexchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --unfiltered} (quality ablation) and {@code --dialogues} (comment-thread chains). */
class StackExchangeModesTest {
  @TempDir Path tmp;

  static final String LONG = "Coarse grounds extract slowly, so the water needs more time. ".repeat(24).strip(); // ~1,400 chars, third person

  static Path site(Path root, String posts, String comments) throws Exception {
    Path d = root.resolve("coffee.stackexchange.com");
    Files.createDirectories(d);
    Files.writeString(d.resolve("Posts.xml"), posts, StandardCharsets.UTF_8);
    if (comments != null) Files.writeString(d.resolve("Comments.xml"), comments, StandardCharsets.UTF_8);
    return d;
  }

  static String q(long id, int score, String title, String extra) {
    return Fixtures.question(id, score, title, "<p>" + title + " Details follow.</p>", extra);
  }

  static String a(long id, long parent, int score, String body, long owner) {
    return "  <row Id=\"" + id + "\" PostTypeId=\"2\" ParentId=\"" + parent + "\" Score=\"" + score + "\" Body=\"" + Fixtures.esc("<p>" + body + "</p>") + "\" OwnerUserId=\"" + owner + "\" />";
  }

  static StackExchangeCurator.Result run(Path in, Path out, StackExchangeMode mode, long seed) throws Exception {
    return StackExchangeCurator.run(StackExchangeConfig.defaults(), mode, List.of(in), new RunDir.Options(out, true, seed, -1), false);
  }

  static List<JsonNode> rejects(Path out) throws Exception {
    List<JsonNode> l = new ArrayList<>();
    for (String s : Files.readAllLines(out.resolve(RunDir.REJECTS))) if (!s.isBlank()) l.add(Json.MAPPER.readTree(s));
    return l;
  }

  @Test
  void unfilteredAppliesNoFilterAndEveryAnsweredQuestionIsEligible() throws Exception {
    Path in =
        site(tmp, Fixtures.doc(
            q(1, 5, "How fine should the grind be?", "ClosedDate=\"2020-01-01T00:00:00.000\""),
            a(11, 1, 50, LONG, 7),
            a(12, 1, 1, "I think so.", 8),
            q(2, 3, "Which mill?", "CommunityOwnedDate=\"2020-01-01T00:00:00.000\""),
            a(21, 2, 0, "As mentioned above, a burr mill.", 9),
            q(3, -1, "Is coffee a fruit?", null),
            a(31, 3, -3, "No.", 9),
            "  <row Id=\"4\" PostTypeId=\"1\" Score=\"1\" Title=\"Unanswered?\" Body=\"&lt;p&gt;x&lt;/p&gt;\" AnswerCount=\"0\" />"),
            null);
    Path filtered = tmp.resolve("filtered");
    run(in, filtered, StackExchangeMode.PAIRS, 42);
    assertEquals(0, ExampleReader.readAll(filtered.resolve(RunDir.EXAMPLES)).size(), "with the LIMA filters none of these passes");

    Path out = tmp.resolve("unfiltered");
    var r = run(in, out, new StackExchangeMode(true, -1), 42);
    List<Example> ex = ExampleReader.readAll(out.resolve(RunDir.EXAMPLES));
    Set<Long> questions = new HashSet<>();
    for (Example e : ex) questions.add(((Number) e.meta().get("question_id")).longValue());
    assertEquals(Set.of(1L, 2L, 3L), questions, "every question with an answer, whatever its score, state or text");
    assertEquals(3, r.written());
    for (JsonNode j : rejects(out)) assertFalse(j.path("stage").asText().equals("filter"), "no filter dropped anything: " + j);
    assertTrue(Files.readString(out.resolve(RunDir.MANIFEST)).contains("\"unfiltered\" : true"));

    // a random answer per question: over seeds both answers of question 1 are chosen, and a seed is repeatable
    Set<Long> chosen = new HashSet<>();
    for (long seed = 1; seed <= 16; seed++) {
      run(in, tmp.resolve("s"), new StackExchangeMode(true, -1), seed);
      for (Example e : ExampleReader.readAll(tmp.resolve("s").resolve(RunDir.EXAMPLES)))
        if (((Number) e.meta().get("question_id")).longValue() == 1) chosen.add(((Number) e.meta().get("answer_id")).longValue());
    }
    assertEquals(Set.of(11L, 12L), chosen);
    run(in, tmp.resolve("again"), new StackExchangeMode(true, -1), 42);
    assertEquals(Files.readString(out.resolve(RunDir.EXAMPLES)), Files.readString(tmp.resolve("again").resolve(RunDir.EXAMPLES)));
  }

  static String c(long id, long post, long user, String time, String text) {
    return "  <row Id=\"" + id + "\" PostId=\"" + post + "\" Score=\"0\" Text=\"" + Fixtures.esc(text) + "\" CreationDate=\"2021-05-01T" + time + ".000\" UserId=\"" + user
        + "\" ContentLicense=\"CC BY-SA 4.0\" />";
  }

  static String comments(String... rows) {
    return "\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<comments>\n" + String.join("\n", rows) + "\n</comments>\n";
  }

  @Test
  void dialoguesFollowTheCommentThreadAndUseNoCommentTwice() throws Exception {
    Path in =
        site(tmp, Fixtures.doc(
            q(1, 20, "How do I keep beans fresh?", "OwnerUserId=\"100\""),
            a(2, 1, 30, LONG, 200),
            q(3, 15, "Why does a French press taste muddy?", "OwnerUserId=\"101\""),
            a(4, 3, 25, LONG.replace("Coarse", "Fine"), 201)),
            comments(
                c(10, 2, 100, "10:05:00", "@bob Does it also work for green beans?"), // file order is not thread order
                c(3, 2, 300, "10:00:00", "+1 great answer"), // a third party: not in the dialogue
                c(2, 2, 200, "09:00:00", "Edit: fixed a typo."), // the answerer before anything was asked
                c(11, 2, 200, "10:10:00", "Yes, for green beans as well."),
                c(12, 2, 200, "10:11:00", "Keep them dark too."), // same speaker: the same turn
                c(13, 2, 100, "10:20:00", "Thanks! And for ground coffee?"),
                c(14, 2, 200, "10:30:00", "As mentioned in the other answer, freeze it."), // refers to other answers: the chain ends
                c(15, 1, 100, "08:00:00", "A comment on the question."),
                c(20, 4, 101, "11:00:00", "Why?"),
                c(21, 4, 201, "11:01:00", "Because fines pass the mesh."),
                c(22, 4, 101, "11:02:00", "And then?"),
                c(23, 4, 201, "11:03:00", "Then decant it."),
                c(24, 4, 101, "11:04:00", "Thanks")));
    Path out = tmp.resolve("dlg");
    run(in, out, new StackExchangeMode(false, 0), 42);
    List<Example> ex = ExampleReader.readAll(out.resolve(RunDir.EXAMPLES));
    assertEquals(2, ex.size());
    Example longest = ex.get(0), other = ex.get(1);
    assertEquals("se-coffee.stackexchange.com-3", longest.id(), "longest chain first");
    assertEquals(List.of("Why?", "Because fines pass the mesh.", "And then?", "Then decant it."), longest.conversations().subList(2, 6));
    assertEquals(6, longest.conversations().size(), "the trailing user turn has no answer and is dropped");
    assertEquals(List.of("Does it also work for green beans?", "Yes, for green beans as well.\n\nKeep them dark too."), other.conversations().subList(2, 4));
    assertEquals(4, other.conversations().size());
    assertEquals(LONG, other.conversations().get(1));

    Set<Long> seen = new HashSet<>();
    for (Example e : ex) {
      List<?> ids = (List<?>) e.meta().get("comment_ids");
      long last = -1;
      for (Object o : ids) {
        long id = ((Number) o).longValue();
        assertTrue(seen.add(id), "comment " + id + " used twice");
        assertTrue(id > last, "thread order in " + e.id() + ": " + ids);
        last = id;
      }
      List<?> turns = (List<?>) e.meta().get("turns");
      assertEquals(e.conversations().size(), turns.size());
      for (int i = 0; i < turns.size(); i++) assertEquals(i % 2 == 0 ? "user" : "assistant", ((Map<?, ?>) turns.get(i)).get("role"));
    }
    assertEquals(Set.of(10L, 11L, 12L, 20L, 21L, 22L, 23L), seen);
    Map<?, ?> t2 = (Map<?, ?>) ((List<?>) other.meta().get("turns")).get(2);
    assertEquals(100, ((Number) t2.get("user_id")).intValue());
    assertEquals("CC BY-SA 4.0", t2.get("license"));

    Path one = tmp.resolve("one");
    run(in, one, new StackExchangeMode(false, 1), 42);
    assertEquals(List.of("se-coffee.stackexchange.com-3"), ExampleReader.readAll(one.resolve(RunDir.EXAMPLES)).stream().map(Example::id).toList());
  }

  @Test
  void aDumpWithoutCommentsIsAWarningNotAFailure() throws Exception {
    Path in = site(tmp, Fixtures.doc(q(1, 20, "How do I keep beans fresh?", "OwnerUserId=\"100\""), a(2, 1, 30, LONG, 200)), null);
    Path out = tmp.resolve("none");
    var r = run(in, out, new StackExchangeMode(false, 0), 42);
    assertEquals(0, r.written());
    assertTrue(Files.readString(out.resolve(RunDir.REJECTS)).contains("Comments.xml"));
  }
}
