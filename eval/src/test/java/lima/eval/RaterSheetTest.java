package lima.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lima.core.BadInputException;
import lima.core.RunDir;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaterSheetTest {
  @TempDir Path tmp;

  List<CSVRecord> read(Path f) throws Exception {
    try (Reader r = Files.newBufferedReader(f)) {
      return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r).getRecords();
    }
  }

  Path[] inputs() throws Exception {
    Map<String, String> p = new LinkedHashMap<>(), a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
    for (int i = 1; i <= 30; i++) {
      p.put("p" + i, "question " + i + ", with a comma and \"quotes\"\nand a second line");
      a.put("p" + i, "answer of MODEL-A to " + i);
      b.put("p" + i, "answer of MODEL-B to " + i);
    }
    b.remove("p30");
    return new Path[] {EvalFixtures.prompts(tmp, p), EvalFixtures.responses(tmp, "lima", a), EvalFixtures.responses(tmp, "gpt", b)};
  }

  /** A rater who always prefers MODEL-A's text, wherever it is shown; writes "tie" on p5. */
  Path fill(Path sheet, String name, String raterColumn) throws Exception {
    Path out = tmp.resolve(name + ".csv");
    try (var w = Files.newBufferedWriter(out);
        var csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(RaterSheet.SHEET_HEADER).build())) {
      for (CSVRecord r : read(sheet)) {
        String label = r.get("id").equals("p5") ? "Neither" : r.get("response_1").contains("MODEL-A") ? "1" : "response 2";
        if (r.get("id").equals("p6")) label = "";
        csv.printRecord(r.get("item"), r.get("id"), r.get("prompt"), r.get("response_1"), r.get("response_2"), label, raterColumn, "");
      }
    }
    return out;
  }

  @Test
  void exportIsBlindedAndImportRecoversTheLabels() throws Exception {
    Path[] in = inputs();
    Path sheet = tmp.resolve("sheet.csv");
    var ex = RaterSheet.export(in[0], in[1], null, in[2], null, sheet, 42, false);
    assertEquals(29, ex.rows());
    assertEquals(1, ex.missing());
    List<CSVRecord> rows = read(sheet);
    assertEquals(List.of(RaterSheet.SHEET_HEADER), new ArrayList<>(rows.get(0).getParser().getHeaderNames()));
    String text = Files.readString(sheet);
    assertFalse(text.contains("lima") || text.contains("gpt"), "model names are not in the sheet");
    long aFirst = rows.stream().filter(r -> r.get("response_1").contains("MODEL-A")).count();
    assertTrue(aFirst > 5 && aFirst < 24, "order randomised per row: A first in " + aFirst + " of 29");
    assertEquals("question 1, with a comma and \"quotes\"\nand a second line", rows.get(0).get("prompt"), "CSV quoting round-trips");
    assertTrue(Files.readString(ex.instructions()).contains("significantly better"));
    // same seed, same sheet; another seed, another order
    Path again = tmp.resolve("again.csv");
    RaterSheet.export(in[0], in[1], null, in[2], null, again, 42, false);
    assertEquals(text, Files.readString(again));
    Path other = tmp.resolve("other.csv");
    RaterSheet.export(in[0], in[1], null, in[2], null, other, 43, false);
    assertNotEquals(text, Files.readString(other));

    Path ann = fill(sheet, "ann", ""), ben = fill(sheet, "sheet-of-ben", "ben");
    var r = RaterSheet.importSheets(List.of(ann, ben), ex.key(), new RunDir.Options(tmp.resolve("out"), false, 1, -1), 500);
    assertEquals(List.of("ann", "ben"), r.raters(), "rater from the file name, else from the rater column");
    assertEquals(2 * 28, r.labels());
    assertEquals(2, r.unlabelled());
    var annRow = r.report().pairwise().get(0);
    assertEquals(List.of(27, 1, 0), List.of(annRow.wins(), annRow.ties(), annRow.losses()), "always MODEL-A = win for A");
    List<Labels> labels = Labels.read(tmp.resolve("out"));
    assertTrue(labels.stream().allMatch(l -> l.a().equals("lima") && l.b().equals("gpt")));
  }

  @Test
  void badLabelsAreCountedAndStopPastMaxErrors() throws Exception {
    Path[] in = inputs();
    Path sheet = tmp.resolve("sheet.csv");
    var ex = RaterSheet.export(in[0], in[1], null, in[2], null, sheet, 42, false);
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, "item,id,label\n1,p1,1\n2,p2,maybe\n3,p3,tie\n");
    var r = RaterSheet.importSheets(List.of(bad), ex.key(), new RunDir.Options(tmp.resolve("out"), false, 1, -1), 100);
    assertEquals(2, r.labels());
    String rejects = Files.readString(tmp.resolve("out/rejects.jsonl"));
    assertTrue(rejects.contains("maybe"));
    // The message points to the instructions written beside the key, which exist (not "bad.instructions.md").
    assertTrue(Files.isRegularFile(ex.instructions()));
    assertTrue(rejects.contains("see " + ex.instructions()), rejects);
    Files.delete(ex.instructions());
    RaterSheet.importSheets(List.of(bad), ex.key(), new RunDir.Options(tmp.resolve("out4"), false, 1, -1), 100);
    assertTrue(Files.readString(tmp.resolve("out4/rejects.jsonl")).contains("listed in docs/eval.md"), "no pointer to a missing file");
    var e = assertThrows(BadInputException.class, () -> RaterSheet.importSheets(List.of(bad), ex.key(), new RunDir.Options(tmp.resolve("out2"), false, 1, 0), 100));
    assertTrue(e.getMessage().contains("bad.csv: row 2") && e.getMessage().contains("\"maybe\""), e.getMessage());
    Path wrongId = tmp.resolve("wrong.csv");
    Files.writeString(wrongId, "item,id,label\n1,p9,1\n");
    var r2 = RaterSheet.importSheets(List.of(wrongId), ex.key(), new RunDir.Options(tmp.resolve("out3"), false, 1, -1), 100);
    assertEquals(0, r2.labels(), "an id that does not match the key's item is refused");
  }
}
