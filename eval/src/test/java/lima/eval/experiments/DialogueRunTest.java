package lima.eval.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.BadInputException;
import lima.core.Json;
import lima.core.RunDir;
import lima.eval.Responses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dialogue runner with a scripted assistant and scripted user turns; the per-turn sheet read back. */
class DialogueRunTest {
  @TempDir Path tmp;

  static List<JsonNode> lines(Path f) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(f)) if (!l.isBlank()) out.add(Json.MAPPER.readTree(l));
    return out;
  }

  @Test
  void continuesEachConversationWithScriptedUserTurnsAndWritesOneRowPerAssistantTurn() throws Exception {
    Path openings = tmp.resolve("open.jsonl");
    Files.writeString(openings, "{\"id\":\"a\",\"conversations\":[\"Hi?\"]}\n{\"id\":\"b\",\"conversations\":[\"Hello?\"]}\n{\"id\":\"c\",\"conversations\":[\"" + "x".repeat(50) + "\"]}\n");
    Path users = tmp.resolve("users.jsonl");
    Files.writeString(users, "{\"id\":\"a\",\"turns\":[\"a-u2\",\"a-u3\",\"a-u4\"]}\n{\"id\":\"b\",\"turns\":[\"b-u2\"]}\n");
    // The assistant echoes how many turns it saw; an opening over 40 characters does not fit its context.
    DialogueRun.Assistant asst = (turns, seed) -> turns.get(0).length() > 40 ? null : "reply to " + turns.get(turns.size() - 1) + " after " + turns.size();
    var r = DialogueRun.run(openings, 3, asst, DialogueRun.fromFile(users), "file:users.jsonl", "m1", new RunDir.Options(tmp.resolve("out"), false, 42, -1));
    assertEquals(3, r.conversations());
    List<JsonNode> d = lines(tmp.resolve("out/dialogues.jsonl"));
    assertEquals(List.of("Hi?", "reply to Hi? after 1", "a-u2", "reply to a-u2 after 3", "a-u3", "reply to a-u3 after 5"), Json.MAPPER.convertValue(d.get(0).get("conversations"), List.class));
    assertEquals("turns", d.get(0).get("stop").asText(), "3 assistant turns, the 4th scripted user turn unused");
    assertEquals("no_user_turn", d.get(1).get("stop").asText());
    assertEquals(2, d.get(1).get("assistant_turns").asInt());
    assertEquals("context_full", d.get(2).get("stop").asText());
    assertEquals(0, d.get(2).get("assistant_turns").asInt());
    assertEquals(5, r.assistantTurns());
    assertEquals(2, r.endedEarly());
    Responses resp = Responses.read(tmp.resolve("out/turns.responses.jsonl"), "m1");
    assertEquals(List.of("a/1", "a/2", "a/3", "b/1", "b/2"), List.copyOf(resp.byId().keySet()));
    String turn2 = lines(tmp.resolve("out/turns.prompts.jsonl")).get(1).get("conversations").get(0).asText();
    assertTrue(turn2.endsWith("User: Hi?\n\nAssistant: reply to Hi? after 1\n\nUser: a-u2"), turn2);
    List<String> sheet = Files.readAllLines(tmp.resolve("out/sheet.csv"));
    assertTrue(sheet.get(0).startsWith("item,id,model,prompt,response,rating"), sheet.get(0));
    assertTrue(sheet.stream().anyMatch(l -> l.startsWith("5,b/2,m1,")), String.join("\n", sheet));
  }

  @Test
  void filledSheetsBecomeFigure7Rows() throws Exception {
    Path sheet = tmp.resolve("carol.csv");
    Files.writeString(sheet, "item,id,model,prompt,response,rating,rater,comment\n1,a/1,zero-shot,p,r,Fail,,\n2,a/2,zero-shot,p,r,Excellent,,\n3,a/1,tuned,p,r,Excellent,,\n4,a/2,tuned,p,r,pass,,\n5,a/3,tuned,p,r,,,\n");
    Files.writeString(tmp.resolve(DialogueRun.TURN_PROMPTS), "{\"id\":\"a/1\",\"conversations\":[\"p\"]}\n{\"id\":\"a/2\",\"conversations\":[\"p\"]}\n{\"id\":\"a/3\",\"conversations\":[\"p\"]}\n");
    var rep = DialogueReport.rate(List.of(sheet), 200, new RunDir.Options(tmp.resolve("rated"), false, 42, -1));
    assertEquals(2, rep.absolute().size());
    var zero = rep.absolute().get(0);
    assertEquals("zero-shot", zero.model());
    assertEquals(1, zero.fails());
    assertEquals(0.5, zero.excellent().estimate(), 1e-12);
    assertEquals(2, rep.absolute().get(1).n(), "an empty rating is not a turn rated");
    assertTrue(Files.isRegularFile(tmp.resolve("rated/absolute.png")));
    assertTrue(Files.readString(tmp.resolve("rated/report.json")).contains("76.1%"));
  }

  @Test
  void aBadUserTurnsFileNamesItsLine() throws Exception {
    Path users = tmp.resolve("u.jsonl");
    Files.writeString(users, "{\"id\":\"a\",\"turns\":[\"x\"]}\n{\"id\":\"b\",\"turns\":\"not a list\"}\n");
    var e = assertThrows(BadInputException.class, () -> DialogueRun.fromFile(users));
    assertTrue(e.getMessage().contains("u.jsonl:2"), e.getMessage());
  }
}
