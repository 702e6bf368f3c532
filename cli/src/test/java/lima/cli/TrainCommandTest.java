package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.Json;
import lima.core.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = LimaCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int rc = cl.execute(args);
    return new String[] {Integer.toString(rc), out.toString(), err.toString()};
  }

  @Test
  void planFor65bSaysWhatAShardedRunNeeds() {
    String[] r = run("train", "--plan", "--model", "65b", "--device", "gpu", "--micro-batch", "1");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("65,285,660,672 parameters"), r[1]);
    assertTrue(r[1].contains("does NOT fit"), r[1]);
    assertTrue(r[1].contains("ZeRO-3 / FSDP over at least"), r[1]);
  }

  @Test
  void planAsJsonForAModelFolder(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("config.json"),
        "{\"hidden_size\":64,\"num_hidden_layers\":5,\"num_attention_heads\":8,\"num_key_value_heads\":4,\"intermediate_size\":172,\"vocab_size\":512,\"tie_word_embeddings\":true}");
    String[] r = run("train", "--plan", "--model", tmp.toString(), "--json", "--device-memory", "1", "--max-len", "256");
    assertEquals("0", r[0], r[2]);
    JsonNode j = Json.MAPPER.readTree(r[1]);
    assertTrue(j.get("fits").asBoolean());
    assertEquals(256, j.get("seq_len").asInt());
    assertEquals(4 * j.get("parameters").asLong(), j.get("weights_bytes").asLong());
  }

  @Test
  void aBadSettingIsOneLineAndExitCode2() {
    String[] r = run("train", "--plan", "--model", "7b", "--micro-batch", "64");
    assertEquals("2", r[0]);
    assertTrue(r[2].startsWith("lima train: micro-batch must be in [1, batch]"), r[2]);
  }

  @Test
  @Tag("real-data")
  void tokenizeTrainStopAndResumeOnStories260K(@TempDir Path tmp) throws Exception {
    Path model = TestData.real("models/stories260K-hf-DERIVED");
    Assumptions.assumeTrue(Files.isDirectory(model), "skipped: " + model + " is not available");
    Path jsonl = tmp.resolve("d.jsonl");
    Files.writeString(jsonl, """
        {"conversations":["Tell me a story about a cat.","Once upon a time, there was a cat named Tom. He liked to play."],"source":"authors"}
        {"conversations":["What did Lily find?","Lily found a big red ball in the park. She was very happy."],"source":"authors"}
        {"conversations":["Who is Ben?","Ben is a little boy. He has a dog and they play every day."],"source":"authors"}
        """);
    Path data = tmp.resolve("data");
    String[] t = run("tokenize", jsonl.toString(), "--model", model.toString(), "--out", data.toString(), "--max-len", "64");
    assertEquals("0", t[0], t[2]);
    assertTrue(t[1].startsWith("tokenized 3 examples"), t[1]);
    String[] shown = run("tokenize", "--render", "1", data.toString());
    assertEquals("0", shown[0], shown[2]);
    assertTrue(shown[1].contains("<|eot|>[[Once upon a time, there was a cat named Tom. He liked to play.<|eot|>]]"), shown[1]);
    Path out = tmp.resolve("out");
    Files.writeString(tmp.resolve("c.json"), "{\"epochs\": 2, \"batch\": 2, \"lr\": 1e-3, \"max-len\": 64}");
    String[] a = run("train", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(), "--config", tmp.resolve("c.json").toString(),
        "--stop-after", "3");
    assertEquals("0", a[0], a[2]);
    assertTrue(a[1].startsWith("stopped after 3 of 4 steps"), a[1]);
    String[] b = run("train", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(), "--config", tmp.resolve("c.json").toString(), "--resume");
    assertEquals("0", b[0], b[2]);
    assertTrue(b[1].startsWith("trained 4 of 4 steps"), b[1]);
    assertEquals(4, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    JsonNode manifest = Json.MAPPER.readTree(out.resolve("manifest.json").toFile());
    assertEquals(2, manifest.get("config").get("epochs").asInt());
    assertEquals(1e-3, manifest.get("config").get("lr").asDouble());
    assertTrue(manifest.get("upstream").size() > 0, "the dataset's manifest is chained");
    assertTrue(Files.isRegularFile(out.resolve("final/model.safetensors")));
    assertTrue(Files.isRegularFile(out.resolve("epoch-1/config.json")));
  }
}
