package lima.eval;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import lima.core.AtomicFiles;
import lima.core.BadInputException;
import lima.core.Hashing;
import lima.core.JsonlWriter;
import lima.core.RunDir;
import lima.core.UserException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Blinded pairwise sheets for people: {@code export} writes one row per prompt with the two responses
 * as "Response 1" and "Response 2" in a seeded random order per row, the order kept apart in {@code
 * <sheet>.key.csv}, and the instructions in {@code <sheet>.instructions.md}; {@code importSheets} reads
 * filled-in copies from several raters back into win/tie/loss labels (A's side).
 */
public final class RaterSheet {
  private RaterSheet() {}

  static final String[] SHEET_HEADER = {"item", "id", "prompt", "response_1", "response_2", "label", "rater", "comment"};
  static final String[] KEY_HEADER = {"item", "id", "response_1", "response_2", "a", "b"};

  /** Accepted label values (case and surrounding spaces ignored); an empty label means "not rated yet". */
  public static final Map<String, String> LABELS = labels();

  private static Map<String, String> labels() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String s : List.of("1", "response 1", "response_1", "r1", "first")) m.put(s, "first");
    for (String s : List.of("2", "response 2", "response_2", "r2", "second")) m.put(s, "second");
    for (String s : List.of("tie", "neither", "same", "equal", "0", "=")) m.put(s, "tie");
    return java.util.Collections.unmodifiableMap(m);
  }

  public record ExportResult(int rows, int missing, Path sheet, Path key, Path instructions) {}

  public record ImportResult(int labels, int unlabelled, List<String> raters, Report report) {}

  public static Path keyFor(Path sheet) {
    return sheet.resolveSibling(Responses.stem(sheet) + ".key.csv");
  }

  public static Path instructionsFor(Path sheet) {
    return sheet.resolveSibling(Responses.stem(sheet) + ".instructions.md");
  }

  public static ExportResult export(Path prompts, Path aFile, String aName, Path bFile, String bName, Path sheet, long seed, boolean force) throws IOException {
    Map<String, String> p = Prompts.read(prompts);
    Responses a = Responses.read(aFile, aName), b = Responses.read(bFile, bName);
    Paired paired = Paired.of(null, p, a, b);
    Path key = keyFor(sheet), instr = instructionsFor(sheet);
    if (!force)
      for (Path f : List.of(sheet, key, instr))
        if (Files.exists(f)) throw new UserException(f + ": exists; use --force to overwrite it");
    List<Paired.Item> items = paired.items();
    boolean[] aFirst = new boolean[items.size()];
    for (int i = 0; i < items.size(); i++) aFirst[i] = Hashing.rng(seed, "sheet:" + items.get(i).id()).nextBoolean();
    AtomicFiles.writeText(
        sheet,
        w -> {
          CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(SHEET_HEADER).build());
            for (int i = 0; i < items.size(); i++) {
              var it = items.get(i);
              csv.printRecord(i + 1, it.id(), it.prompt(), aFirst[i] ? it.a() : it.b(), aFirst[i] ? it.b() : it.a(), "", "", "");
            }
          csv.flush();
        });
    AtomicFiles.writeText(
        key,
        w -> {
          CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(KEY_HEADER).build());
            for (int i = 0; i < items.size(); i++)
              csv.printRecord(i + 1, items.get(i).id(), aFirst[i] ? "A" : "B", aFirst[i] ? "B" : "A", a.name(), b.name());
          csv.flush();
        });
    AtomicFiles.writeString(instr, instructions(sheet, items.size()));
    return new ExportResult(items.size(), paired.missingA() + paired.missingB(), sheet, key, instr);
  }

  static String instructions(Path sheet, int rows) {
    return """
        # Rating instructions for %s

        You will see %d questions, each with two answers written by AI assistants, shown as
        **Response 1** and **Response 2**. The order is random for every row; nothing tells you which
        assistant wrote which answer.

        For each row, decide whether one response is **significantly better** than the other, as the
        person who asked would judge it: does it do what was asked, is it correct, complete and clear,
        is it helpful and written in a suitable style? Length alone is not a reason to prefer an answer.
        If the two are of similar quality, or their strengths balance out, choose neither.

        Write your choice in the `label` column:

        | write | meaning |
        |---|---|
        | `1` (or `response 1`, `first`) | Response 1 is significantly better |
        | `2` (or `response 2`, `second`) | Response 2 is significantly better |
        | `tie` (or `neither`, `same`, `0`) | neither is significantly better |

        Leave `label` empty for a row you did not rate. Write your name in the `rater` column (or name
        the file after yourself, e.g. `alice.csv`). `comment` is free text. Do not edit the other
        columns, and do not add or remove rows.
        """
        .formatted(sheet.getFileName(), rows);
  }

  record KeyRow(String id, boolean aFirst, String a, String b) {}

  static Map<String, KeyRow> readKey(Path key) throws IOException {
    Map<String, KeyRow> m = new HashMap<>();
    for (CSVRecord r : parse(key, KEY_HEADER)) {
      String first = r.get("response_1").trim();
      if (!first.equals("A") && !first.equals("B")) throw new BadInputException(key + ": row " + r.getRecordNumber() + ": response_1 must be A or B, got \"" + first + "\"");
      m.put(r.get("item").trim(), new KeyRow(r.get("id"), first.equals("A"), r.get("a"), r.get("b")));
    }
    return m;
  }

  private static List<CSVRecord> parse(Path f, String[] required) throws IOException {
    if (!Files.isRegularFile(f)) throw new UserException(f + ": no such file");
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8);
        CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(false).build().parse(r)) {
      for (String h : required)
        if (!p.getHeaderMap().containsKey(h)) throw BadInputException.at(f, 1, "expected a header with column \"" + h + "\", got " + p.getHeaderNames());
      return p.getRecords();
    } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
      throw new BadInputException(f + ": not a valid CSV file (" + e.getMessage() + ")");
    }
  }

  /** Reads filled-in sheets (one rater each, or a {@code rater} column) into {@code labels.jsonl} and a report. */
  public static ImportResult importSheets(List<Path> sheets, Path key, RunDir.Options o, int bootstrap) throws IOException {
    Map<String, KeyRow> keyRows = readKey(key);
    // The instructions were written beside the key (sheet.key.csv, sheet.instructions.md); point there
    // only when they are there.
    String keyName = key.getFileName().toString();
    Path instructions = keyName.endsWith(".key.csv") ? key.resolveSibling(keyName.substring(0, keyName.length() - ".key.csv".length()) + ".instructions.md") : null;
    String labelHelp = instructions != null && Files.isRegularFile(instructions) ? "see " + instructions : "the accepted spellings are listed in docs/eval.md";
    try (RunDir run = RunDir.open(o)) {
      run.input(key);
      sheets.forEach(run::input);
      run.config("bootstrap", bootstrap).config("labels_accepted", LABELS);
      Map<String, List<Outcome>> byRater = new LinkedHashMap<>();
      List<Outcome> pooled = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      int unlabelled = 0, n = 0;
      String aName = "A", bName = "B";
      try (JsonlWriter out = run.jsonl(Labels.FILE)) {
        for (Path sheet : sheets) {
          String fileRater = Responses.stem(sheet);
          for (CSVRecord r : parse(sheet, new String[] {"item", "label"})) {
            String where = sheet + ": row " + r.getRecordNumber();
            KeyRow k = keyRows.get(r.get("item").trim());
            if (k == null) {
              run.badRecord(where, "item \"" + r.get("item") + "\" is not in the key " + key, r.toString());
              continue;
            }
            if (r.isMapped("id") && !r.get("id").isBlank() && !r.get("id").equals(k.id())) {
              run.badRecord(where, "id \"" + r.get("id") + "\" does not match the key's \"" + k.id() + "\" for item " + r.get("item"), r.toString());
              continue;
            }
            String raw = r.get("label").trim().toLowerCase(Locale.ROOT);
            if (raw.isEmpty()) {
              unlabelled++;
              run.stats().inc("import", "unlabelled");
              continue;
            }
            String pick = LABELS.get(raw);
            if (pick == null) {
              run.badRecord(where, "label \"" + r.get("label") + "\" is not one of 1, 2, tie (" + labelHelp + ")", r.toString());
              continue;
            }
            String rater = r.isMapped("rater") && !r.get("rater").isBlank() ? r.get("rater").trim() : fileRater;
            if (!seen.add(rater + "\u0000" + k.id())) {
              run.badRecord(where, "rater " + rater + " labelled prompt " + k.id() + " twice", r.toString());
              continue;
            }
            Outcome o2 =
                switch (pick) {
                  case "first" -> k.aFirst() ? Outcome.WIN : Outcome.LOSS;
                  case "second" -> k.aFirst() ? Outcome.LOSS : Outcome.WIN;
                  default -> Outcome.TIE;
                };
            aName = k.a();
            bName = k.b();
            out.write(new Labels(k.id(), rater, o2, k.a(), k.b()).toJson());
            byRater.computeIfAbsent(rater, x -> new ArrayList<>()).add(o2);
            pooled.add(o2);
            run.stats().inc("import", "labels");
            n++;
          }
        }
        out.commit();
      }
      Bootstrap boot = new Bootstrap(Hashing.key(run.seed(), "bootstrap"), bootstrap);
      List<Report.WtlRow> rows = new ArrayList<>();
      for (var e : byRater.entrySet()) rows.add(Report.wtl(aName, bName, e.getKey(), e.getValue(), boot));
      if (byRater.size() > 1) rows.add(Report.wtl(aName, bName, "all raters", pooled, boot));
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("raters", new ArrayList<>(byRater.keySet()));
      details.put("labels", n);
      details.put("unlabelled_rows", unlabelled);
      details.put("bad_rows", run.badRecords());
      details.put("note", "'all raters' pools every label, so a prompt rated by k raters counts k times");
      Report report = new Report("sheet", "rater sheets: " + aName + " vs " + bName, rows, null, null, null, details);
      List<String> outputs = new ArrayList<>(List.of(Labels.FILE));
      outputs.addAll(ReportWriter.write(run.out(), report));
      run.finish("eval sheet import", outputs, null);
      return new ImportResult(n, unlabelled, new ArrayList<>(byRater.keySet()), report);
    }
  }
}
