package lima.curate.authored;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lima.core.ExampleFilter;
import lima.core.Verdict;

/**
 * Checks a hand-written example: turns alternate starting with the user and ending with the
 * assistant, no turn is empty, and no template marker was left in (outside code).
 *
 * <p>Reasons: {@code no_turns}, {@code starts_with_assistant}, {@code not_alternating}, {@code
 * ends_with_user}, {@code empty_turn}, {@code template_marker}, plus the parser's {@code
 * bad_metadata}, {@code unknown_key}, {@code text_outside_turn}.
 *
 * <p>Template markers are the marks of an unfinished draft: {@code {{...}}} placeholders, the words
 * {@code TODO}, {@code FIXME}, {@code TBD}, role tags such as {@code <prompt>} or {@code
 * </response>}, and {@code Lorem ipsum}; fenced code blocks and inline code are not searched, so an
 * answer about Jinja templates can show {@code {{ name }}}. Placeholders that are part of an answer's
 * content, such as "[Your Name]" at the end of a letter, are not markers: the released LIMA authors'
 * examples contain twenty of them. Extra patterns can be added.
 */
public final class AuthoredValidator implements ExampleFilter<Draft> {
  public static final String NAME = "validate";

  /** The default marker patterns, each a regular expression searched in the text outside code. */
  public static final List<String> DEFAULT_MARKERS =
      List.of(
          "\\{\\{[^{}\\n]{0,200}\\}\\}",
          "\\b(?:TODO|FIXME|TBD)\\b",
          "(?i)</?(?:prompt|response|instruction|user|assistant|question|answer)>",
          "(?i)\\blorem ipsum\\b");

  private final List<Pattern> markers;

  public AuthoredValidator(List<String> extraMarkers) {
    List<Pattern> ps = new ArrayList<>();
    for (String m : DEFAULT_MARKERS) ps.add(Pattern.compile(m));
    for (String m : extraMarkers) {
      try {
        ps.add(Pattern.compile(m));
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException("bad marker pattern '" + m + "': " + e.getDescription());
      }
    }
    this.markers = List.copyOf(ps);
  }

  /** The first problem of {@code d}, or empty when it is a valid example. */
  @Override
  public String name() {
    return NAME;
  }

  /** The stage protocol's view of {@link #check}: the problem's reason, its detail as the evidence. */
  @Override
  public Verdict test(Draft d) {
    return check(d).<Verdict>map(p -> Verdict.drop(p.reason(), p.detail())).orElse(Verdict.KEEP);
  }

  public Optional<Draft.Problem> check(Draft d) {
    if (d.problem() != null) return Optional.of(d.problem());
    List<Draft.Turn> turns = d.turns();
    if (turns.isEmpty()) return Optional.of(new Draft.Problem("no_turns", "no turns (expected '## User' then '## Assistant')", d.line()));
    for (int i = 0; i < turns.size(); i++) {
      Draft.Turn t = turns.get(i);
      Draft.Role expected = i % 2 == 0 ? Draft.Role.USER : Draft.Role.ASSISTANT;
      if (t.role() != expected) {
        if (i == 0) return Optional.of(new Draft.Problem("starts_with_assistant", "the first turn must be the user's", t.line()));
        return Optional.of(
            new Draft.Problem("not_alternating", "turn " + (i + 1) + " is a second " + t.role().label() + " turn in a row", t.line()));
      }
    }
    for (int i = 0; i < turns.size(); i++) {
      Draft.Turn t = turns.get(i);
      if (t.text().isBlank()) return Optional.of(new Draft.Problem("empty_turn", "turn " + (i + 1) + " (" + t.role().label() + ") is empty", t.line()));
    }
    if (turns.size() % 2 != 0) {
      Draft.Turn last = turns.get(turns.size() - 1);
      return Optional.of(new Draft.Problem("ends_with_user", "the last turn is the user's; an example ends with the assistant", last.line()));
    }
    for (int i = 0; i < turns.size(); i++) {
      Draft.Turn t = turns.get(i);
      String prose = withoutCode(t.text());
      for (Pattern p : markers) {
        Matcher m = p.matcher(prose);
        if (m.find())
          return Optional.of(
              new Draft.Problem(
                  "template_marker", "leftover template marker '" + m.group() + "' in turn " + (i + 1) + " (" + t.role().label() + ")", t.line()));
      }
    }
    return Optional.empty();
  }

  /** The text with fenced code blocks and inline code spans blanked out. */
  static String withoutCode(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    char fence = 0;
    int fenceLen = 0;
    for (String line : text.split("\n", -1)) {
      String s = line.stripLeading();
      int run = 0;
      char c = s.isEmpty() ? 0 : s.charAt(0);
      if (c == '`' || c == '~') while (run < s.length() && s.charAt(run) == c) run++;
      if (fence != 0) {
        if (c == fence && run >= fenceLen && s.substring(run).isBlank()) fence = 0;
        sb.append('\n');
        continue;
      }
      if (run >= 3) {
        fence = c;
        fenceLen = run;
        sb.append('\n');
        continue;
      }
      sb.append(withoutSpans(line)).append('\n');
    }
    return sb.toString();
  }

  /** Blanks out backtick code spans (a run of n backticks up to the next run of exactly n). */
  private static String withoutSpans(String line) {
    if (line.indexOf('`') < 0) return line;
    StringBuilder sb = new StringBuilder(line.length());
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c != '`') {
        sb.append(c);
        i++;
        continue;
      }
      int j = i;
      while (j < n && line.charAt(j) == '`') j++;
      int len = j - i;
      int close = findRun(line, j, len);
      if (close < 0) {
        sb.append(line, i, j);
        i = j;
      } else {
        sb.append(' ');
        i = close + len;
      }
    }
    return sb.toString();
  }

  private static int findRun(String s, int from, int len) {
    int i = from;
    while (i < s.length()) {
      if (s.charAt(i) != '`') {
        i++;
        continue;
      }
      int j = i;
      while (j < s.length() && s.charAt(j) == '`') j++;
      if (j - i == len) return i;
      i = j;
    }
    return -1;
  }
}
