package lima.train.fit;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.UserException;
import org.junit.jupiter.api.Test;

class TrainSettingTest {
  static final Path DOC = Path.of("../docs/train.md");
  static final String BEGIN = "<!-- settings table: generated from TrainSetting by TrainSettingTest (-Dgolden.update=true) -->\n";
  static final String END = "<!-- end of settings table -->";

  /** docs/train.md's settings table is the one TrainSetting declares; -Dgolden.update=true rewrites it. */
  @Test
  void theDocsTableIsTheDeclaredOne() throws Exception {
    String doc = Files.readString(DOC);
    int a = doc.indexOf(BEGIN), b = doc.indexOf(END);
    assertTrue(a >= 0 && b > a, "docs/train.md has no generated settings table");
    String now = doc.substring(a + BEGIN.length(), b);
    String want = TrainSetting.markdownTable();
    if (Boolean.getBoolean("golden.update") && !now.equals(want)) {
      Files.writeString(DOC, doc.substring(0, a + BEGIN.length()) + want + doc.substring(b));
      return;
    }
    assertEquals(want, now, "docs/train.md is out of date: run with -Dgolden.update=true");
  }

  @Test
  void everySettingIsAConfigKeyAndAManifestKey() {
    assertEquals(TrainSetting.keys(), List.copyOf(TrainConfig.LIMA.toMap().keySet()));
    for (TrainSetting s : TrainSetting.values()) {
      assertEquals(s.parse(s.defaultValue), TrainConfig.LIMA.get(s), s.key);
      assertSame(s, TrainSetting.byKey(s.flag()));
      assertSame(s, TrainSetting.byKey(s.key.replace('-', '_')));
    }
  }

  @Test
  void valuesAreCheckedAgainstTheDeclaredBounds() {
    var e = assertThrows(UserException.class, () -> TrainConfig.of("beta2", 1.0));
    assertEquals("beta2 must be in [0, 1), got 1.0", e.getMessage());
    e = assertThrows(UserException.class, () -> TrainConfig.of("epochs", "2.5"));
    assertEquals("epochs must be a whole number, got 2.5", e.getMessage());
    e = assertThrows(UserException.class, () -> TrainConfig.of("device", "tpu"));
    assertEquals("device must be cpu or gpu, got tpu", e.getMessage());
    assertEquals("gpu", TrainConfig.of("device", "GPU").device());
  }

  @Test
  void resumeChecksOnlyTheSettingsThatMustStay() throws Exception {
    com.fasterxml.jackson.databind.JsonNode saved = lima.core.Json.MAPPER.valueToTree(TrainConfig.of("save-every", 5, "threads", 2).toMap());
    assertNull(TrainConfig.of("save-every", 9, "stop-after", 3, "threads", 1).differenceFrom(saved));
    assertEquals("seed = 42, this run asks for 43", TrainConfig.of("seed", 43).differenceFrom(saved));
  }
}
