package lima.curate.ni;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import lima.core.Verdict;
import org.junit.jupiter.api.Test;

/** Each Natural Instructions filter: its reason and its evidence. */
class NiFilterTest {
  static NiTask task(List<String> cats, String def, List<String> langs, List<NiTask.Instance> in) {
    return new NiTask("task1_x_summarization", cats, def, langs, langs, langs, in, List.of());
  }

  static final List<NiTask.Instance> ONE = List.of(new NiTask.Instance("i1", "Some input.", List.of("Out.")));

  @Test
  void excluded() {
    assertEquals(Verdict.drop("excluded", "task1_x_summarization"), new ExcludedTaskFilter(Set.of("task1_x_summarization")).test(task(List.of("Summarization"), "d", List.of(), ONE)));
    assertEquals(Verdict.KEEP, new ExcludedTaskFilter(Set.of("other")).test(task(List.of("Summarization"), "d", List.of(), ONE)));
  }

  @Test
  void category() {
    TaskCategoryFilter f = new TaskCategoryFilter(List.of("Summarization", "Text Simplification"));
    assertEquals(Verdict.drop("category", List.of("Classification"), f.categories()), f.test(task(List.of("Classification"), "d", List.of(), ONE)));
    assertEquals("text-simplification", f.match(task(List.of("text-simplification"), "d", List.of(), ONE)));
    assertThrows(IllegalArgumentException.class, () -> new TaskCategoryFilter(List.of()));
  }

  @Test
  void english() {
    assertEquals(Verdict.drop("not_english", List.of("French"), "English"), new EnglishFilter().test(task(List.of("Summarization"), "d", List.of("English", "French"), ONE)));
    assertEquals(Verdict.KEEP, new EnglishFilter().test(task(List.of("Summarization"), "d", List.of(), ONE)));
  }

  @Test
  void definitionAndInstances() {
    assertEquals(Verdict.drop("no_definition"), new DefinitionFilter().test(task(List.of("Summarization"), " ", List.of(), ONE)));
    assertEquals(Verdict.drop("no_instances", 0, 1), new DefinitionFilter().test(task(List.of("Summarization"), "d", List.of(), List.of())));
  }

  @Test
  void fittingInstance() {
    NiTask t = task(List.of("Summarization"), "Summarize.", List.of(), List.of(new NiTask.Instance("a", "x".repeat(50), List.of("y")), new NiTask.Instance("b", "short", List.of("y"))));
    FittingInstanceFilter f = new FittingInstanceFilter(20, 10, 1);
    assertEquals(1, f.pick(t), "only the short instance fits");
    assertEquals(Verdict.KEEP, f.test(t));
    FittingInstanceFilter tight = new FittingInstanceFilter(5, 10, 1);
    assertEquals(Verdict.drop("no_fitting_instance", "2 instances", "prompt <= 5, response <= 10"), tight.test(t));
  }
}
