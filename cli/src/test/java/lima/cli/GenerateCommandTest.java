package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.Json;
import lima.train.model.TinyModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
  @TempDir static Path model;
  @TempDir Path dir;

  @BeforeAll
  static void write() throws Exception {
    TinyModel.write(model, TinyModel.config(128), 3);
  }

  static LimaRun lima(String... args) {
    return LimaRun.of(args);
  }

  @Test
  void singlePromptPrintsTheCompletionAndIsReproducible() {
    LimaRun a = lima("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "8", "--seed", "3");
    assertEquals(0, a.rc(), a.err());
    assertTrue(a.err().contains("finish: "), a.err());
    LimaRun b = lima("generate", "--model", model.toString(), "--prompt", "Hello", "--max-new-tokens", "8", "--seed", "3");
    assertEquals(a.out(), b.out());
    LimaRun greedy = lima("generate", "--model", model.toString(), "--prompt", "", "--max-new-tokens", "5", "--temperature", "0");
    assertEquals(0, greedy.rc(), greedy.err());
    assertTrue(greedy.err().startsWith("1 prompt + "), greedy.err());
  }

  @Test
  void promptFileToJsonLines() throws Exception {
    Path prompts = dir.resolve("p.txt");
    Files.writeString(prompts, "one\ntwo\n");
    Path out = dir.resolve("gen.jsonl");
    LimaRun r = lima("generate", "--model", model.toString(), "--prompts", prompts.toString(), "--out", out.toString(), "--max-new-tokens", "4");
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().startsWith("answered 2 of 2 prompts (0 already done)"), r.out());
    assertEquals(2, Files.readAllLines(out).size());
    LimaRun again = lima("generate", "--model", model.toString(), "--prompts", prompts.toString(), "--out", out.toString(), "--max-new-tokens", "4");
    assertTrue(again.out().startsWith("answered 0 of 2 prompts (2 already done)"), again.out());
  }

  @Test
  void badUsageIsOneLineAndExitTwo() {
    LimaRun r = lima("generate", "--model", model.toString());
    assertEquals(2, r.rc());
    assertTrue(r.err().contains("give exactly one of --prompt TEXT or --prompts FILE"), r.err());
    LimaRun p = lima("generate", "--model", model.toString(), "--prompt", "x", "--top-p", "1.5");
    assertEquals(2, p.rc());
    assertTrue(p.err().contains("top-p must be in (0, 1]"), p.err());
    LimaRun m = lima("generate", "--model", dir.resolve("nope").toString(), "--prompt", "x");
    assertEquals(2, m.rc());
    assertTrue(m.err().contains("no such file"), m.err());
  }

  @Test
  void modelInfoDescribesTheFolder() throws Exception {
    LimaRun r = lima("model", "info", model.toString());
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().contains("LlamaForCausalLM, 2 layers, hidden 32, 4 heads (2 key/value, head dim 8)"), r.out());
    assertTrue(r.out().contains("<|eot|>=3"), r.out());
    LimaRun j = lima("model", "info", model.toString(), "--json");
    JsonNode n = Json.MAPPER.readTree(j.out());
    long params = n.get("parameters").asLong();
    // embed + head 2*100*32, per layer 4 attention (q 32x32, k/v 16x32, o 32x32) + 3 MLP 64x32 + 2 norms, final norm.
    assertEquals(2 * 100 * 32 + 2 * (32 * 32 * 2 + 16 * 32 * 2 + 3 * 64 * 32 + 64) + 32, params);
    assertEquals(params * 4, n.get("memory").get("weights_fp32_bytes").asLong());
    assertEquals("tokenizer.json", n.get("tokenizer").get("kind").asText());
  }

  @Test
  void addEotCopiesAModelWithTheToken() throws Exception {
    Path base = dir.resolve("base");
    TinyModel.write(base, TinyModel.config(64), 4, false);
    LimaRun r = lima("model", "add-eot", base.toString(), "--out", dir.resolve("eot").toString());
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().startsWith("<|eot|> = 100, vocab 100 -> 101"), r.out());
    LimaRun info = lima("model", "info", dir.resolve("eot").toString());
    assertTrue(info.out().contains("<|eot|>=100"), info.out());
  }
}
