package lima.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.Json;
import lima.train.model.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lima eval perplexity} and {@code lima eval dialogue run} through the CLI on a tiny random model. */
class ExperimentCommandsTest {
  @TempDir Path tmp;

  @Test
  void perplexityOfTwoCheckpointsWithOneLineErrors() throws Exception {
    Path run = tmp.resolve("run");
    TinyModel.write(run.resolve("epoch-1"), TinyModel.config(128), 1);
    TinyModel.write(run.resolve("epoch-2"), TinyModel.config(128), 2);
    Path dev = tmp.resolve("dev.jsonl");
    Files.writeString(dev, "{\"id\":\"d1\",\"conversations\":[\"Hi?\",\"Hello there.\"]}\n{\"id\":\"d2\",\"conversations\":[\"only a prompt\"]}\n");
    LimaRun r = LimaRun.of("eval", "perplexity", "--model", run.resolve("epoch-1").toString(), run.resolve("epoch-2").toString(), "--data", dev.toString(), "--out", tmp.resolve("ppl").toString(), "--bootstrap", "100");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("perplexity over 1 dev conversations: epoch-1 "), r.out());
    JsonNode j = Json.MAPPER.readTree(tmp.resolve("ppl/perplexity.json").toFile());
    assertEquals(2, j.get("rows").size());
    assertEquals(2, j.get("rows").get(1).get("epoch").asInt());
    assertEquals("Hello there.".length() + 1, j.get("rows").get(0).get("tokens").asInt(), "assistant characters + EOT");
    assertTrue(Files.readString(tmp.resolve("ppl/rejects.jsonl")).contains("no_response"));
    assertTrue(Files.isRegularFile(tmp.resolve("ppl/perplexity.svg")));

    LimaRun bad = LimaRun.of("eval", "perplexity", "--model", tmp.resolve("nope").toString(), "--data", dev.toString(), "--out", tmp.resolve("ppl2").toString());
    assertEquals(2, bad.code());
    assertEquals(1, bad.err().strip().lines().count(), bad.err());
    assertTrue(bad.err().contains("nope: no such model folder"), bad.err());
  }

  @Test
  void dialogueRunWithScriptedUserTurns() throws Exception {
    Path model = tmp.resolve("m");
    TinyModel.write(model, TinyModel.config(256), 5);
    Path open = tmp.resolve("open.jsonl");
    Files.writeString(open, "{\"id\":\"o1\",\"conversations\":[\"Hello?\"]}\n");
    Path users = tmp.resolve("users.jsonl");
    Files.writeString(users, "{\"id\":\"o1\",\"turns\":[\"And then?\"]}\n");
    LimaRun r = LimaRun.of("eval", "dialogue", "run", "--model", model.toString(), "--openings", open.toString(), "--turns", "3", "--user-turns", users.toString(), "--max-new-tokens", "8", "--out", tmp.resolve("d").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("1 conversations, 2 assistant turns (1 ended early"), r.out());
    JsonNode d = Json.MAPPER.readTree(Files.readAllLines(tmp.resolve("d/dialogues.jsonl")).get(0));
    assertEquals("And then?", d.get("conversations").get(2).asText());
    assertEquals("m", d.get("model").asText());
    LimaRun both = LimaRun.of("eval", "dialogue", "run", "--model", model.toString(), "--openings", open.toString(), "--out", tmp.resolve("d2").toString());
    assertEquals(2, both.code());
    assertTrue(both.err().contains("exactly one of --user-turns"), both.err());
  }
}
