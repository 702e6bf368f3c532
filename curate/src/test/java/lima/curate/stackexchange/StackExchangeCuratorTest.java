package lima.curate.stackexchange;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import lima.core.BadInputException;
import lima.core.Example;
import lima.core.ExampleReader;
import lima.core.Json;
import lima.core.RunDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end over the bundled sample dumps in data/samples/stackexchange. */
class StackExchangeCuratorTest {
  @TempDir Path tmp;

  static Path samples() {
    // lima.root is set by the build; a run from inside a module falls back to the working folder's parents.
    String root = System.getProperty("lima.root");
    for (String base : new String[] {root, ".", ".."}) {
      if (base == null) continue;
      Path p = Path.of(base).resolve("data/samples/stackexchange");
      if (java.nio.file.Files.isDirectory(p)) return p;
    }
    throw new IllegalStateException("data/samples/stackexchange not found (lima.root=" + root + ")");
  }

  static List<Path> inputs() {
    return List.of(samples().resolve("coffee.stackexchange.com.7z"), samples().resolve("unix.stackexchange.com"));
  }

  private StackExchangeCurator.Result run(StackExchangeConfig cfg, Path out, long seed) throws Exception {
    return StackExchangeCurator.run(cfg, inputs(), new RunDir.Options(out, true, seed, -1), false);
  }

  private static Map<String, Integer> reasons(Path out) throws Exception {
    Map<String, Integer> m = new TreeMap<>();
    for (String line : Files.readAllLines(out.resolve(RunDir.REJECTS)))
      m.merge(Json.MAPPER.readTree(line).get("reason").asText(), 1, Integer::sum);
    return m;
  }

  @Test
  void keepsThePassingPairsAndRejectsEachWithItsReason() throws Exception {
    Path out = tmp.resolve("run");
    var r = run(StackExchangeConfig.defaults(), out, 42);
    List<Example> ex = ExampleReader.readAll(out.resolve(RunDir.EXAMPLES));
    Set<String> ids = new TreeSet<>();
    for (Example e : ex) ids.add(e.id());
    assertEquals(
        Set.of(
            "se-coffee.stackexchange.com-10",
            "se-coffee.stackexchange.com-13",
            "se-unix.stackexchange.com-101",
            "se-unix.stackexchange.com-104",
            "se-unix.stackexchange.com-107"),
        ids);
    assertEquals(5, r.written());
    assertEquals(
        Map.of(
            "closed_question", 1,
            "community_wiki", 1,
            "empty_answer", 1,
            "first_person", 1,
            "malformed", 1,
            "refers_to_other_answers", 2,
            "too_short", 1),
        reasons(out));
    var stats = Json.MAPPER.readTree(out.resolve(RunDir.STATS).toFile());
    assertEquals(1, stats.at("/input/bad_records").asInt());
    assertEquals(2, stats.at("/input/other_post_types").asInt());
    assertEquals(1, stats.at("/join/no_answers").asInt());
    assertEquals(1, stats.at("/join/no_answer_with_min_score").asInt());
    Example coffee10 = ex.stream().filter(e -> e.id().endsWith("coffee.stackexchange.com-10")).findFirst().orElseThrow();
    assertEquals(12L, ((Number) coffee10.meta().get("answer_id")).longValue(), "top-scored answer, not the first");
    for (String key : List.of("site", "question_id", "answer_id", "question_score", "answer_score", "prompt_from", "tags", "license", "url", "group"))
      assertTrue(coffee10.meta().containsKey(key), key);
    assertEquals("https://coffee.stackexchange.com/questions/10", coffee10.meta().get("url"));
    assertEquals("other", coffee10.meta().get("group"));
    assertEquals(List.of("espresso", "extraction"), coffee10.meta().get("tags"));
    assertEquals("stackexchange", coffee10.source());
    Example unix = ex.stream().filter(e -> e.id().endsWith("unix.stackexchange.com-101")).findFirst().orElseThrow();
    assertEquals("CC BY-SA 4.0", unix.meta().get("license"));
    assertEquals("stem", unix.meta().get("group"));
    // examples come sorted by site, then self-contained title first, then question score
    assertEquals("coffee.stackexchange.com", ex.get(0).meta().get("site"));
    assertEquals(1, ((Number) ex.get(0).meta().get("site_rank")).intValue());
    assertTrue(Files.exists(out.resolve(RunDir.MANIFEST)));
    assertFalse(Files.exists(out.resolve(StackExchangeCurator.SPILL)), "spill removed");
  }

  @Test
  void sameSeedGivesByteIdenticalOutputForAnyThreadCount() throws Exception {
    Path one = tmp.resolve("t1");
    Path four = tmp.resolve("t4");
    run(StackExchangeConfig.defaults().withThreads(1), one, 7);
    run(StackExchangeConfig.defaults().withThreads(4), four, 7);
    assertArrayEquals(Files.readAllBytes(one.resolve(RunDir.EXAMPLES)), Files.readAllBytes(four.resolve(RunDir.EXAMPLES)));
    assertArrayEquals(Files.readAllBytes(one.resolve(RunDir.REJECTS)), Files.readAllBytes(four.resolve(RunDir.REJECTS)));
    Path sampledOne = tmp.resolve("s1");
    Path sampledFour = tmp.resolve("s4");
    run(StackExchangeConfig.defaults().withThreads(1).withPerGroup(2), sampledOne, 7);
    run(StackExchangeConfig.defaults().withThreads(4).withPerGroup(2), sampledFour, 7);
    assertArrayEquals(Files.readAllBytes(sampledOne.resolve(RunDir.EXAMPLES)), Files.readAllBytes(sampledFour.resolve(RunDir.EXAMPLES)));
  }

  @Test
  void promptIsTitleOnlyWhenSelfContainedAndChosen() throws Exception {
    var allTitles = new StackExchangeConfig(10, 1200, 4096, 1.0, 0, 3, Set.of(), OtherAnswersFilter.PHRASES, FirstPersonFilter.WORDS, null, null, 2, 1 << 18);
    Path out = tmp.resolve("titles");
    run(allTitles, out, 1);
    for (Example e : ExampleReader.readAll(out.resolve(RunDir.EXAMPLES))) {
      boolean sc = (Boolean) e.meta().get("title_self_contained");
      assertEquals(sc ? "title" : "body", e.meta().get("prompt_from"), e.id());
      if (sc) assertEquals(e.meta().get("title"), e.prompt());
      else assertNotEquals(e.meta().get("title"), e.prompt());
    }
    var noTitles = new StackExchangeConfig(10, 1200, 4096, 0.0, 0, 3, Set.of(), OtherAnswersFilter.PHRASES, FirstPersonFilter.WORDS, null, null, 2, 1 << 18);
    Path out2 = tmp.resolve("bodies");
    run(noTitles, out2, 1);
    for (Example e : ExampleReader.readAll(out2.resolve(RunDir.EXAMPLES))) assertEquals("body", e.meta().get("prompt_from"));
  }

  @Test
  void perGroupDrawsFromEachGroupAndCountsTheShortfall() throws Exception {
    Path out = tmp.resolve("sample");
    var r = run(StackExchangeConfig.defaults().withPerGroup(2), out, 3);
    assertEquals(4, r.written());
    Map<String, Integer> groups = new TreeMap<>();
    for (Example e : ExampleReader.readAll(out.resolve(RunDir.EXAMPLES))) groups.merge((String) e.meta().get("group"), 1, Integer::sum);
    assertEquals(Map.of("stem", 2, "other", 2), groups);
    Path out2 = tmp.resolve("sample10");
    run(StackExchangeConfig.defaults().withPerGroup(10), out2, 3);
    var stats = Json.MAPPER.readTree(out2.resolve(RunDir.STATS).toFile());
    assertEquals(7, stats.at("/sample/stem_shortfall").asInt());
    assertEquals(8, stats.at("/sample/other_shortfall").asInt());
  }

  @Test
  void switchedOffFiltersLetPairsThrough() throws Exception {
    Path out = tmp.resolve("nofilter");
    run(StackExchangeConfig.defaults().withDisabled(Set.of("first-person", "closed")), out, 42);
    Map<String, Integer> rs = reasons(out);
    assertFalse(rs.containsKey("first_person"));
    assertFalse(rs.containsKey("closed_question"));
    assertEquals(7, ExampleReader.readAll(out.resolve(RunDir.EXAMPLES)).size());
  }

  @Test
  void excludedSitesArePairsRejectedWithAReason() throws Exception {
    Path groups = tmp.resolve("groups.csv");
    Files.writeString(groups, "site,group\nunix.stackexchange.com,excluded\n");
    Path out = tmp.resolve("excluded");
    run(StackExchangeConfig.defaults().withSiteGroups(SiteGroups.load(groups)), out, 42);
    Map<String, Integer> rs = reasons(out);
    assertEquals(8, rs.get("site_excluded"), rs.toString());
    assertEquals(4, rs.get("site_not_in_table"), rs.toString());
    assertEquals(0, ExampleReader.readAll(out.resolve(RunDir.EXAMPLES)).size());
  }

  @Test
  void ifChangedSkipsAnUnchangedRunAndMaxErrorsStops() throws Exception {
    Path out = tmp.resolve("cron");
    run(StackExchangeConfig.defaults(), out, 5);
    var again = StackExchangeCurator.run(StackExchangeConfig.defaults(), inputs(), new RunDir.Options(out, true, 5, -1), true);
    assertTrue(again.upToDate());
    var changed = StackExchangeCurator.run(StackExchangeConfig.defaults(), inputs(), new RunDir.Options(out, true, 6, -1), true);
    assertFalse(changed.upToDate());
    Path strict = tmp.resolve("strict");
    BadInputException e =
        assertThrows(
            BadInputException.class,
            () -> StackExchangeCurator.run(StackExchangeConfig.defaults(), inputs(), new RunDir.Options(strict, false, 5, 0), false));
    assertTrue(e.getMessage().startsWith("coffee.stackexchange.com.7z:Posts.xml:11: bad Score \"lots\""), e.getMessage());
    assertFalse(Files.exists(strict.resolve(RunDir.EXAMPLES)));
  }

  /** unix.stackexchange.com's sample Posts.xml with a malformed row put in before row 109 (line 11). */
  private Path brokenUnixSite(String folder) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(folder));
    String good = Files.readString(samples().resolve("unix.stackexchange.com/Posts.xml"));
    int cut = good.indexOf("  <row Id=\"109\"");
    String broken = good.substring(0, cut) + "  <row Id=\"109\" PostTypeId=\"1\" Body=\"a < b\" />\n" + good.substring(cut);
    Path site = Files.createDirectories(dir.resolve("unix.stackexchange.com"));
    Files.writeString(site.resolve("Posts.xml"), broken);
    return site;
  }

  @Test
  void malformedRowMidwayIsRejectedWithItsLineAndTheRestOfTheFileIsRead() throws Exception {
    Path clean = tmp.resolve("clean");
    var c = StackExchangeCurator.run(StackExchangeConfig.defaults(), List.of(samples().resolve("unix.stackexchange.com")), new RunDir.Options(clean, false, 1, -1), false);
    Path out = tmp.resolve("broken");
    var r = StackExchangeCurator.run(StackExchangeConfig.defaults(), List.of(brokenUnixSite("in")), new RunDir.Options(out, false, 1, -1), false);
    assertEquals(c.written(), r.written(), "every pair of the file is kept: only the inserted bad row is lost");
    assertEquals(Files.readString(clean.resolve(RunDir.EXAMPLES)), Files.readString(out.resolve(RunDir.EXAMPLES)));
    var stats = Json.MAPPER.readTree(out.resolve(RunDir.STATS).toFile());
    var cleanStats = Json.MAPPER.readTree(clean.resolve(RunDir.STATS).toFile());
    assertEquals(cleanStats.at("/input/rows").asLong(), stats.at("/input/rows").asLong(), "all rows after the bad one are read");
    assertEquals(1, stats.at("/input/malformed_rows").asInt());
    assertEquals(0, stats.at("/input/truncated_files").asInt());
    String rejects = Files.readString(out.resolve(RunDir.REJECTS));
    assertTrue(rejects.contains("\"where\":\"unix.stackexchange.com/Posts.xml:11:"), rejects);
    assertTrue(rejects.contains("reading resumes at line 12"), rejects);
    assertTrue(rejects.contains("Id=\\\"109\\\" PostTypeId=\\\"1\\\" Body=\\\"a < b"), "the bad line is the excerpt: " + rejects);
  }

  @Test
  void malformedRowInsideA7zArchiveIsSkippedToo() throws Exception {
    Path site = brokenUnixSite("in7z");
    Path archive = tmp.resolve("unix.stackexchange.com.7z");
    SyntheticDump.pack(archive, List.of(site.resolve("Posts.xml")));
    Path clean = tmp.resolve("clean");
    var c = StackExchangeCurator.run(StackExchangeConfig.defaults(), List.of(samples().resolve("unix.stackexchange.com")), new RunDir.Options(clean, false, 1, -1), false);
    Path out = tmp.resolve("broken7z");
    var r = StackExchangeCurator.run(StackExchangeConfig.defaults(), List.of(archive), new RunDir.Options(out, false, 1, -1), false);
    assertEquals(c.written(), r.written());
    String rejects = Files.readString(out.resolve(RunDir.REJECTS));
    assertTrue(rejects.contains("\"where\":\"unix.stackexchange.com.7z:Posts.xml:11:"), rejects);
  }

  @Test
  void maxErrorsStillStopsOnAMalformedRow() throws Exception {
    Path out = tmp.resolve("strict");
    var e =
        assertThrows(
            BadInputException.class,
            () -> StackExchangeCurator.run(StackExchangeConfig.defaults(), List.of(brokenUnixSite("in")), new RunDir.Options(out, false, 1, 0), false));
    assertTrue(e.getMessage().startsWith("unix.stackexchange.com/Posts.xml:11:"), e.getMessage());
    assertTrue(e.getMessage().contains("--max-errors 0"), e.getMessage());
    assertFalse(Files.exists(out.resolve(RunDir.EXAMPLES)));
  }
}
