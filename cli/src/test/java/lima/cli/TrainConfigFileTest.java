package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigFileTest {
  @TempDir Path tmp;

  @Test
  void runKeysComeFromTheConfigFile() throws Exception {
    Path cfg = tmp.resolve("train.json");
    Files.writeString(cfg, "{\"model\": \"65b\", \"micro-batch\": 1, \"max-len\": 2048, \"resume\": false}");
    LimaRun r = LimaRun.of("train", "--plan", "--config", cfg.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("65b"), r.out());
  }

  @Test
  void everyDeclaredSettingIsAFlag() throws Exception {
    LimaRun r = LimaRun.of("train", "--help");
    assertEquals(0, r.code(), r.err());
    for (lima.train.fit.TrainSetting s : lima.train.fit.TrainSetting.values())
      // "--epochs=N", a flag "[--cpu-offload]", or an optional value "--activation-checkpointing[=NAME]"
      assertTrue(r.out().contains(s.flag() + "=") || r.out().contains("[" + s.flag() + "]") || r.out().contains(s.flag() + "[="),
          s.flag() + " missing from --help:\n" + r.out());
  }

  @Test
  void aBadNumberNamesTheKey() throws Exception {
    Path cfg = tmp.resolve("bad.json");
    Files.writeString(cfg, "{\"epochs\": \"many\"}");
    LimaRun r = LimaRun.of("train", "--plan", "--model", "7b", "--config", cfg.toString());
    assertEquals(ExitCodes.USAGE, r.code());
    assertTrue(r.err().contains("epochs must be a number, got \"many\""), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void malformedConfigJsonIsOneLineNamingTheFile() throws Exception {
    Path cfg = tmp.resolve("broken.json");
    Files.writeString(cfg, "{\"epochs\": 3,,}");
    LimaRun r = LimaRun.of("train", "--plan", "--model", "7b", "--config", cfg.toString());
    assertEquals(ExitCodes.DATA, r.code());
    assertTrue(r.err().contains(cfg + ": not valid JSON"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void planOnAMalformedModelConfigIsOneLine() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 64, \"num_attention_heads\": 3, \"num_hidden_layers\": 1, \"intermediate_size\": 8, \"vocab_size\": 10}");
    LimaRun r = LimaRun.of("train", "--plan", "--model", dir.toString());
    assertNotEquals(0, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("config.json"), r.err());
  }
}
