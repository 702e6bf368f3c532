package lima.curate.wikihow;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The input layouts {@code lima curate wikihow} reads, recognised from a CSV header or the first JSON
 * line:
 *
 * <ul>
 *   <li>{@link #ALL}: Koupaee &amp; Wang {@code wikihowAll.csv}, header exactly {@code headline,title,text},
 *       one row per method;
 *   <li>{@link #SEP}: {@code wikihowSep.csv}, header exactly {@code overview,headline,text,sectionLabel,title},
 *       one row per step;
 *   <li>{@link #STEPS}: any other CSV with a title column, a step-headline column and a step-text column, one
 *       row per step (optional category, section and intro columns), e.g. the public {@code
 *       title,heading,paragraph} scrape;
 *   <li>{@link #JSONL}: JSON Lines, one article per line.
 * </ul>
 */
public enum WikiHowLayout {
  ALL,
  SEP,
  STEPS,
  JSONL;

  /** Column names accepted per role in {@link #STEPS} CSVs (compared lower-case). */
  static final List<String> TITLE = List.of("title");
  static final List<String> HEADLINE = List.of("headline", "heading", "step", "step_headline");
  static final List<String> TEXT = List.of("text", "paragraph", "description", "step_text", "body");
  static final List<String> CATEGORY = List.of("category", "categories", "category_path");
  static final List<String> SECTION = List.of("sectionlabel", "section", "method", "part");
  static final List<String> INTRO = List.of("overview", "intro", "introduction", "summary");

  /** What a header must look like, for the error message. */
  static final String EXPECTED =
      "expected wikihowAll.csv (headline,title,text), wikihowSep.csv (overview,headline,text,sectionLabel,title), or a"
          + " step CSV with columns title + headline|heading + text|paragraph|description [+ category, sectionLabel|section,"
          + " overview|intro]";

  /** Maps roles to column indices for a header, or null when the header fits no layout. */
  static Columns columns(List<String> header) {
    List<String> low = new ArrayList<>();
    for (String h : header) low.add(h.strip().toLowerCase(Locale.ROOT).replace("\ufeff", ""));
    if (low.equals(List.of("headline", "title", "text"))) return new Columns(ALL, roles(low));
    if (low.equals(List.of("overview", "headline", "text", "sectionlabel", "title"))) return new Columns(SEP, roles(low));
    Map<String, Integer> r = roles(low);
    if (r.containsKey("title") && r.containsKey("headline") && r.containsKey("text")) return new Columns(STEPS, r);
    return null;
  }

  private static Map<String, Integer> roles(List<String> low) {
    Map<String, Integer> r = new TreeMap<>();
    put(r, "title", low, TITLE);
    put(r, "headline", low, HEADLINE);
    put(r, "text", low, TEXT);
    put(r, "category", low, CATEGORY);
    put(r, "section", low, SECTION);
    put(r, "intro", low, INTRO);
    return r;
  }

  private static void put(Map<String, Integer> r, String role, List<String> header, List<String> names) {
    for (String n : names) {
      int i = header.indexOf(n);
      if (i >= 0) {
        r.put(role, i);
        return;
      }
    }
  }

  /** A recognised CSV layout and the column of each role. */
  record Columns(WikiHowLayout layout, Map<String, Integer> roles) {
    String get(org.apache.commons.csv.CSVRecord rec, String role) {
      Integer i = roles.get(role);
      return i == null || i >= rec.size() ? null : rec.get(i);
    }
  }
}
