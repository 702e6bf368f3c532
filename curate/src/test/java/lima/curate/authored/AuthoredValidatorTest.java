package lima.curate.authored;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthoredValidatorTest {
  final AuthoredValidator v = new AuthoredValidator(List.of());

  static Draft draft(Object... roleText) {
    List<Draft.Turn> turns = new ArrayList<>();
    for (int i = 0; i < roleText.length; i += 2) turns.add(new Draft.Turn((Draft.Role) roleText[i], (String) roleText[i + 1], 10 + i));
    return new Draft(Path.of("f.md"), 1, "x", "authors", turns, List.of(), false, Map.of(), "markdown", null);
  }

  static final Draft.Role U = Draft.Role.USER;
  static final Draft.Role A = Draft.Role.ASSISTANT;

  String reason(Draft d) {
    return v.check(d).map(Draft.Problem::reason).orElse("ok");
  }

  @Test
  void validSingleAndMultiTurn() {
    assertEquals(Optional.empty(), v.check(draft(U, "q", A, "a")));
    assertEquals(Optional.empty(), v.check(draft(U, "q", A, "a", U, "q2", A, "a2")));
  }

  @Test
  void structureReasons() {
    assertEquals("no_turns", reason(draft()));
    assertEquals("starts_with_assistant", reason(draft(A, "a", U, "q")));
    assertEquals("not_alternating", reason(draft(U, "q", U, "q2", A, "a")));
    assertEquals("ends_with_user", reason(draft(U, "q", A, "a", U, "q2")));
    assertEquals("ends_with_user", reason(draft(U, "q")));
    assertEquals("empty_turn", reason(draft(U, "q", A, "  \n ")));
    Draft.Problem p = v.check(draft(U, "q", U, "q2", A, "a")).orElseThrow();
    assertEquals(12, p.line(), "the line of the offending turn");
  }

  @Test
  void templateMarkersOutsideCode() {
    assertEquals("template_marker", reason(draft(U, "Write to {{name}}", A, "a")));
    assertEquals("template_marker", reason(draft(U, "q", A, "Done. TODO: polish")));
    assertEquals("template_marker", reason(draft(U, "<prompt>", A, "a")));
    assertEquals("template_marker", reason(draft(U, "q", A, "Lorem ipsum dolor")));
    assertEquals("leftover template marker 'FIXME' in turn 2 (assistant)", v.check(draft(U, "q", A, "FIXME")).orElseThrow().detail());
  }

  @Test
  void codeAndContentPlaceholdersAreNotMarkers() {
    assertEquals("ok", reason(draft(U, "How do Jinja loops work?", A, "Use:\n\n```\n{% for x in xs %}{{ x }}{% endfor %}\n# TODO later\n```\n\nand `{{ name }}` inline.")));
    assertEquals("ok", reason(draft(U, "Write a letter", A, "Dear Sir,\n\nThanks.\n\n[Your Name]")));
    assertEquals("ok", reason(draft(U, "q", A, "todo lists are useful")));
  }

  @Test
  void asAStageFilterTheVerdictCarriesReasonAndDetail() {
    AuthoredValidator strict = new AuthoredValidator(List.of("\\[Your Name\\]"));
    var d = draft(U, "q", A, "[Your Name]");
    var drop = assertInstanceOf(lima.core.Verdict.Drop.class, strict.test(d));
    assertEquals("template_marker", drop.reason());
    assertEquals(strict.check(d).orElseThrow().detail(), drop.value());
    assertEquals(lima.core.Verdict.KEEP, strict.test(draft(U, "q", A, "fine")));
    assertEquals("validate", strict.name());
  }

  @Test
  void extraMarkersAndBadPatterns() {
    AuthoredValidator strict = new AuthoredValidator(List.of("\\[Your Name\\]"));
    assertEquals("template_marker", strict.check(draft(U, "q", A, "[Your Name]")).orElseThrow().reason());
    var e = assertThrows(IllegalArgumentException.class, () -> new AuthoredValidator(List.of("(")));
    assertTrue(e.getMessage().contains("'('"), e.getMessage());
  }

  @Test
  void parserProblemsComeFirst() {
    Draft.Problem p = new Draft.Problem("unknown_key", "unknown key 'x'", 3);
    Draft d = new Draft(Path.of("f.md"), 1, "x", "authors", List.of(), List.of(), false, Map.of(), "markdown", p);
    assertEquals(Optional.of(p), v.check(d));
  }
}
