package lima.curate.export;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.TestData;
import lima.core.UserException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExporterTest {
  @TempDir Path tmp;

  Path input() throws Exception {
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(
        in,
        "{\"conversations\":[\"q\",\"a \\u00e9\\ud83d\\ude80\"],\"source\":\"authors\",\"id\":\"x1\"}\n"
            + "{\"conversations\":[\"q1\",\"a1\",\"q2\",\"a2\",\"q3\",\"a3\"],\"source\":\"multi_turn\"}\n"
            + "{\"conversations\":[\"prompt only\"],\"source\":\"test\"}\n");
    return in;
  }

  static Exporter.Config config(ExportFormat f, ExportFormat.MultiTurn m) {
    return new Exporter.Config(f, m, null, false, -1);
  }

  List<JsonNode> export(Exporter.Config c, Path in) throws Exception {
    Path out = tmp.resolve("out-" + System.nanoTime() + ".jsonl");
    Exporter.export(c, List.of(in), out, false, null);
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(out)) lines.add(Json.MAPPER.readTree(l));
    return lines;
  }

  @Test
  void openai() throws Exception {
    Path in = input();
    Path out = tmp.resolve("o.jsonl");
    Exporter.Result r = Exporter.export(new Exporter.Config(ExportFormat.OPENAI, null, "Be brief.", false, -1), List.of(in), out, false, null);
    assertEquals(3, r.read());
    assertEquals(2, r.written());
    assertEquals(1, r.noResponse());
    List<String> lines = Files.readAllLines(out);
    // Jackson writes characters outside the BMP as escaped surrogate pairs: valid JSON, read back exactly
    assertEquals(
        "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a \u00e9\\uD83D\\uDE80\"}]}",
        lines.get(0));
    assertEquals("a \u00e9\ud83d\ude80", Json.MAPPER.readTree(lines.get(0)).at("/messages/2/content").asText());
    JsonNode multi = Json.MAPPER.readTree(lines.get(1)).get("messages");
    assertEquals(7, multi.size());
    assertEquals("assistant", multi.get(6).get("role").asText());
    assertEquals("a3", multi.get(6).get("content").asText());
  }

  @Test
  void sharegpt() throws Exception {
    List<JsonNode> lines = export(config(ExportFormat.SHAREGPT, null), input());
    assertEquals(2, lines.size());
    assertEquals("{\"id\":\"x1\",\"conversations\":[{\"from\":\"human\",\"value\":\"q\"},{\"from\":\"gpt\",\"value\":\"a \u00e9\ud83d\ude80\"}]}", Json.MAPPER.writeValueAsString(lines.get(0)));
    assertEquals("in-2", lines.get(1).get("id").asText(), "ids default to file stem and line");
    assertEquals("gpt", lines.get(1).at("/conversations/5/from").asText());
  }

  @Test
  void alpacaMultiTurnModes() throws Exception {
    Path in = input();
    List<JsonNode> fold = export(config(ExportFormat.ALPACA, ExportFormat.MultiTurn.FOLD), in);
    assertEquals("{\"instruction\":\"q\",\"input\":\"\",\"output\":\"a \u00e9\ud83d\ude80\"}", Json.MAPPER.writeValueAsString(fold.get(0)));
    assertEquals("q3", fold.get(1).get("instruction").asText());
    assertEquals("User: q1\n\nAssistant: a1\n\nUser: q2\n\nAssistant: a2", fold.get(1).get("input").asText());
    assertEquals("a3", fold.get(1).get("output").asText());

    JsonNode hist = export(config(ExportFormat.ALPACA, ExportFormat.MultiTurn.HISTORY), in).get(1);
    assertEquals("[[\"q1\",\"a1\"],[\"q2\",\"a2\"]]", hist.get("history").toString());
    assertEquals("q3", hist.get("instruction").asText());
    assertEquals("", hist.get("input").asText());

    JsonNode first = export(config(ExportFormat.ALPACA, ExportFormat.MultiTurn.FIRST), in).get(1);
    assertEquals("q1", first.get("instruction").asText());
    assertEquals("a1", first.get("output").asText());

    Path out = tmp.resolve("skip.jsonl");
    Exporter.Result r = Exporter.export(config(ExportFormat.ALPACA, ExportFormat.MultiTurn.SKIP), List.of(in), out, false, null);
    assertEquals(1, r.written());
    assertEquals(1, r.multiTurnSkipped());
  }

  @Test
  void keepUnansweredWritesPromptFiles() throws Exception {
    Path in = input();
    Path out = tmp.resolve("k.jsonl");
    Exporter.export(new Exporter.Config(ExportFormat.ALPACA, null, null, true, -1), List.of(in), out, false, null);
    JsonNode last = Json.MAPPER.readTree(Files.readAllLines(out).get(2));
    assertEquals("prompt only", last.get("instruction").asText());
    assertEquals("", last.get("output").asText());
  }

  @Test
  void stdoutWhenNoOutFile() throws Exception {
    StringWriter sw = new StringWriter();
    Exporter.export(config(ExportFormat.OPENAI, null), List.of(input()), null, false, new PrintWriter(sw));
    assertEquals(2, sw.toString().lines().count());
  }

  @Test
  void existingOutputIsRefusedUnlessForced() throws Exception {
    Path in = input();
    Path out = tmp.resolve("o.jsonl");
    Files.writeString(out, "old\n");
    var e = assertThrows(UserException.class, () -> Exporter.export(config(ExportFormat.OPENAI, null), List.of(in), out, false, null));
    assertTrue(e.getMessage().contains("--force"), e.getMessage());
    Exporter.export(config(ExportFormat.OPENAI, null), List.of(in), out, true, null);
    assertEquals(2, Files.readAllLines(out).size());
    assertThrows(UserException.class, () -> Exporter.export(config(ExportFormat.OPENAI, null), List.of(in), in, true, null));
  }

  @Test
  void badLinesAreCountedAndMaxErrorsLeavesNoFile() throws Exception {
    Path in = tmp.resolve("bad.jsonl");
    Files.writeString(in, "{\"conversations\":[\"q\",\"a\"]}\n{nope\n{\"conversations\":[\"q\",\"a\"]}\n");
    Path out = tmp.resolve("o.jsonl");
    assertEquals(1, Exporter.export(config(ExportFormat.SHAREGPT, null), List.of(in), out, false, null).badLines());
    assertEquals(2, Files.readAllLines(out).size());
    Path out2 = tmp.resolve("o2.jsonl");
    var e = assertThrows(
        BadInputException.class, () -> Exporter.export(new Exporter.Config(ExportFormat.SHAREGPT, null, null, false, 0), List.of(in), out2, false, null));
    assertTrue(e.getMessage().contains("bad.jsonl:2"), e.getMessage());
    assertFalse(Files.exists(out2), "atomic: nothing written when the export fails");
  }

  @Test
  void systemMessageIsRefusedForAlpaca() {
    var e = assertThrows(UserException.class, () -> new Exporter.Config(ExportFormat.ALPACA, null, "x", false, -1));
    assertTrue(e.getMessage().contains("alpaca"), e.getMessage());
  }

  @Test
  @Tag("real-data")
  void releasedLimaRoundTripsThroughEveryFormat() throws Exception {
    Path lima = TestData.real("data/lima/lima_train_first1000.jsonl");
    Assumptions.assumeTrue(Files.isRegularFile(lima), "skipped: no released LIMA file at " + lima);
    List<Example> examples = ExampleReader.readAll(lima);
    List<JsonNode> openai = export(config(ExportFormat.OPENAI, null), lima);
    List<JsonNode> share = export(config(ExportFormat.SHAREGPT, null), lima);
    List<JsonNode> alpaca = export(config(ExportFormat.ALPACA, null), lima);
    assertEquals(1000, openai.size());
    assertEquals(1000, share.size());
    assertEquals(1000, alpaca.size());
    for (int i = 0; i < examples.size(); i++) {
      Example e = examples.get(i);
      assertEquals(e.prompt(), openai.get(i).at("/messages/0/content").asText());
      assertEquals(e.response(), openai.get(i).at("/messages/1/content").asText());
      assertEquals(e.response(), share.get(i).at("/conversations/1/value").asText());
      assertEquals(e.prompt(), alpaca.get(i).get("instruction").asText());
      assertEquals(e.response(), alpaca.get(i).get("output").asText());
    }
  }
}
