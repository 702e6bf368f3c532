package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.ExitCodes;
import lima.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInitTest {
  @TempDir Path tmp;

  @Test
  void writesALoadableModelThatGenerates() throws Exception {
    Path dir = tmp.resolve("m");
    LimaRun init = LimaRun.of("model", "init", "--out", dir.toString(), "--hidden", "32", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--max-positions", "64", "--seed", "7");
    assertEquals(0, init.code(), init.err());
    var config = Json.MAPPER.readTree(dir.resolve("config.json").toFile());
    assertEquals(32, config.get("hidden_size").asInt());
    assertEquals(1, config.get("num_key_value_heads").asInt());
    assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
    LimaRun info = LimaRun.of("model", "info", "--json", dir.toString());
    assertEquals(0, info.code(), info.err());
    assertTrue(info.out().contains("<|eot|>"), info.out());
    LimaRun gen = LimaRun.of("generate", "--model", dir.toString(), "--prompt", "hi", "--temperature", "0", "--max-new-tokens", "5");
    assertEquals(0, gen.code(), gen.err());
    // Same seed, same weights: a second folder is byte-identical.
    Path again = tmp.resolve("m2");
    assertEquals(0, LimaRun.of("model", "init", "--out", again.toString(), "--hidden", "32", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--max-positions", "64", "--seed", "7").code());
    assertArrayEquals(Files.readAllBytes(dir.resolve("model.safetensors")), Files.readAllBytes(again.resolve("model.safetensors")));
  }

  @Test
  void badShapeIsAOneLineUsageError() {
    LimaRun r = LimaRun.of("model", "init", "--out", tmp.resolve("x").toString(), "--heads", "4", "--kv-heads", "3");
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("num_key_value_heads (3) must divide num_attention_heads (4)"), r.err());
    assertFalse(r.err().contains("--stacktrace"), "a usage error is not reported as a bug: " + r.err());
  }

  @Test
  void refusesANonEmptyFolder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("full"));
    Files.writeString(dir.resolve("keep.txt"), "x");
    LimaRun r = LimaRun.of("model", "init", "--out", dir.toString());
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("not empty"), r.err());
  }
}
