package lima.train.fit;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigTest {
  @Test
  void defaultsAreThePapersRecipe() throws Exception {
    TrainConfig c = TrainConfig.resolve(null, Map.of());
    assertEquals(15, c.epochs());
    assertEquals(1e-5, c.lr());
    assertEquals(1e-6, c.finalLr());
    assertEquals(32, c.batch());
    assertEquals(0.1, c.weightDecay());
    assertEquals(0.9, c.beta1());
    assertEquals(0.95, c.beta2());
    assertEquals(0.3, c.dropoutTop());
    assertEquals(2048, c.maxLen());
    assertArrayEquals(new double[] {0.0, 0.1, 0.2, 0.3}, c.dropouts(4), 1e-12);
  }

  @Test
  void flagsOverrideTheFileWhichOverridesDefaults(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("c.json");
    Files.writeString(f, "{\"epochs\": 3, \"micro_batch\": 4, \"lr\": 2e-5, \"device\": \"cpu\", \"seed\": 9007199254740993}");
    Map<String, Object> flags = new HashMap<>();
    flags.put("lr", 3e-5);
    flags.put("batch", null);
    TrainConfig c = TrainConfig.resolve(f, flags);
    assertEquals(3, c.epochs());
    assertEquals(4, c.microBatch());
    assertEquals(3e-5, c.lr());
    assertEquals(32, c.batch());
    assertEquals(9007199254740993L, c.seed(), "seeds keep all 64 bits");
  }

  @Test
  void unknownKeysAndBadValuesAreRefused(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("c.json");
    Files.writeString(f, "{\"epoch\": 3}");
    var e = assertThrows(BadInputException.class, () -> TrainConfig.resolve(f, Map.of()));
    assertTrue(e.getMessage().contains("epoch") && e.getMessage().contains(f.toString()), e.getMessage());
    var u = assertThrows(UserException.class, () -> TrainConfig.resolve(null, Map.of("micro-batch", 64)));
    assertTrue(u.getMessage().contains("micro-batch"), u.getMessage());
    assertThrows(UserException.class, () -> TrainConfig.resolve(null, Map.of("final-lr", 1e-3)));
  }
}
