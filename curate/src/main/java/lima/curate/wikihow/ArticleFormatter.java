package lima.curate.wikihow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Rebuilds a whole wikiHow article from its rows and writes it in the released LIMA style: the intro
 * (a leading "This article" becomes "The following answer"), then per method or part a {@code ## name}
 * header and numbered steps {@code 1. <bold line>. <text>}, sub-lists as {@code \t* item} lines.
 * Links, images and reference markers ("[1] X Research source", expert and trustworthy-source notes)
 * are removed; sections whose name is in {@code prune} (Tips, Warnings, ...) are dropped.
 */
public final class ArticleFormatter {
  /** Section names pruned by default (compared case-insensitively, punctuation ignored). */
  public static final List<String> DEFAULT_PRUNE =
      List.of(
          "Tips", "Warnings", "References", "Sources and Citations", "Things You'll Need", "Things You Need", "Video",
          "Community Q&A", "Q&A", "Related wikiHows", "Quick Summary", "Expert Q&A");

  private final Set<String> prune = new TreeSet<>();

  public ArticleFormatter(List<String> pruneSections) {
    for (String s : pruneSections) {
      if (s == null || s.isBlank()) throw new IllegalArgumentException("empty section name in the prune list");
      prune.add(norm(s));
    }
  }

  /** The rebuilt article: its response text, number of steps kept, and sections pruned. */
  public record Article(String response, int steps, List<String> pruned) {}

  /** Rebuilds the article of {@code rows} (all rows of one article, in input order). */
  public Article format(List<StepRow> rows) {
    String intro = null;
    for (StepRow r : rows) if (intro == null && r.intro() != null) intro = r.intro();
    // group steps by section name (or wikihowAll method number), keeping first-appearance order
    Map<String, List<String[]>> sections = new LinkedHashMap<>();
    boolean anyName = rows.stream().anyMatch(r -> r.section() != null);
    long methods = rows.stream().filter(r -> r.packed()).map(StepRow::method).distinct().count();
    List<String> pruned = new ArrayList<>();
    List<StepRow> sorted = new ArrayList<>(rows);
    if (!anyName && methods > 1) sorted.sort(java.util.Comparator.comparingInt(StepRow::method));
    for (StepRow r : sorted) {
      String name = r.section() != null ? r.section().strip() : (!anyName && methods > 1 ? "Method " + Math.max(1, r.method()) : "");
      if (!name.isEmpty() && prune.contains(norm(name))) {
        if (!pruned.contains(name)) pruned.add(name);
        continue;
      }
      List<String[]> steps = sections.computeIfAbsent(name, k -> new ArrayList<>());
      if (r.packed()) steps.addAll(unpack(r.headline(), r.body()));
      else steps.add(new String[] {r.headline(), r.body()});
    }
    StringBuilder sb = new StringBuilder();
    if (intro != null) {
      String i = cleanParagraphs(intro);
      i = THIS_ARTICLE.matcher(i).replaceFirst("The following answer");
      if (!i.isEmpty()) sb.append(i).append("\n\n");
    }
    int total = 0;
    for (var e : sections.entrySet()) {
      List<String> lines = new ArrayList<>();
      for (String[] st : e.getValue()) {
        String line = step(st[0], st[1]);
        if (!line.isEmpty()) lines.add(line);
      }
      if (lines.isEmpty()) continue;
      if (!e.getKey().isEmpty()) sb.append("## ").append(clean(e.getKey())).append("\n\n");
      for (int i = 0; i < lines.size(); i++) sb.append(i + 1).append(". ").append(lines.get(i)).append('\n');
      sb.append('\n');
      total += lines.size();
    }
    return new Article(sb.toString().strip(), total, pruned);
  }

  private static final Pattern THIS_ARTICLE = Pattern.compile("^This article\\b");

  /**
   * wikihowAll packs a method into one row: bold lines joined by {@code ",\r\n"} (leading {@code
   * "\r\n"}), step texts joined by {@code ","} after {@code ";\n"}, {@code "\n\n"} or {@code "."}. The
   * texts are split on those joins; when their count differs from the bold lines, the extra text goes to
   * the last step (nothing is lost).
   */
  static List<String[]> unpack(String headlines, String text) {
    List<String> heads = new ArrayList<>();
    for (String h : headlines.replace("\r\n", "\n").split(",\n")) {
      String t = h.strip();
      if (t.endsWith(",")) t = t.substring(0, t.length() - 1).strip();
      if (!t.isEmpty()) heads.add(t);
    }
    List<String> bodies = new ArrayList<>();
    for (String b : STEP_JOIN.split(text.replace("\r\n", "\n"))) bodies.add(b.strip().replaceAll("[,;\\s]+$", ""));
    if (!bodies.isEmpty() && bodies.get(0).isEmpty() && bodies.size() > heads.size()) bodies.remove(0);
    List<String[]> out = new ArrayList<>();
    int n = Math.max(heads.size(), 1);
    for (int i = 0; i < n; i++) {
      String h = i < heads.size() ? heads.get(i) : "";
      String b = i < bodies.size() ? bodies.get(i) : "";
      if (i == n - 1 && bodies.size() > n) b = String.join(" ", bodies.subList(i, bodies.size()));
      out.add(new String[] {h, b});
    }
    return out;
  }

  // ";\n," or "\n\n," joins, and "., " / "!, " / "?, " before a capital (the pandas join after a sentence end)
  private static final Pattern STEP_JOIN = Pattern.compile(";?\\n+,\\s*|(?<=[.!?\"')])\\s*,\\s+(?=[A-Z\"'(])");

  /** One numbered step: the bold line (ending in a full stop) then the text, sub-lists as {@code \t* } lines. */
  static String step(String headline, String body) {
    String h = clean(headline.replace('\n', ' ')).strip();
    if (h.endsWith(",")) h = h.substring(0, h.length() - 1).strip();
    String b = body.replace("\r\n", "\n");
    // scrapes repeat the bold line at the start of the paragraph
    if (!h.isEmpty() && b.strip().startsWith(h)) b = b.strip().substring(h.length());
    String text = listAware(b);
    if (!h.isEmpty() && !h.matches(".*[.!?:)\"']$")) h = h + ".";
    if (h.isEmpty()) return text;
    return text.isEmpty() ? h : h + " " + text;
  }

  /** Joins a step body into one line; short lines after a line ending in ':' become {@code \t* } items. */
  static String listAware(String body) {
    StringBuilder sb = new StringBuilder();
    boolean inList = false;
    for (String raw : body.split("\n")) {
      String line = clean(raw);
      if (line.isEmpty()) continue;
      if (line.startsWith(",")) line = line.substring(1).strip();
      if (line.isEmpty()) continue;
      if (inList && line.length() <= 160) {
        sb.append("\n\t* ").append(line);
        continue;
      }
      inList = false;
      if (sb.length() > 0) sb.append(sb.charAt(sb.length() - 1) == '\n' ? "" : " ");
      sb.append(line);
      if (line.endsWith(":")) inList = true;
    }
    return sb.toString().strip();
  }

  static String cleanParagraphs(String s) {
    List<String> out = new ArrayList<>();
    for (String p : s.replace("\r\n", "\n").split("\n+")) {
      String c = clean(p);
      if (!c.isEmpty()) out.add(c);
    }
    return String.join(" ", out);
  }

  private static final Pattern EXPERT = Pattern.compile("\\s*\\[\\d+\\]\\s*X Expert Source\\b.*?Expert Interview\\.\\s*\\d{1,2} \\w+ \\d{4}\\.?");
  private static final Pattern TRUSTED = Pattern.compile("\\s*\\[\\d+\\]\\s*X Trustworthy Source\\b.*?Go to source");
  private static final Pattern RESEARCH = Pattern.compile("\\s*\\[\\d+\\]\\s*X (?:Research|Expert|Trustworthy) [Ss]ource\\b");
  private static final Pattern MARKER = Pattern.compile("\\s*\\[(?:\\d+|citation needed|edit)\\]");
  private static final Pattern MD_IMAGE = Pattern.compile("!\\[[^\\]]*\\]\\([^)]*\\)");
  private static final Pattern MD_LINK = Pattern.compile("\\[([^\\]]+)\\]\\((?:https?://|/|www\\.)[^)]*\\)");
  private static final Pattern HTML_IMG = Pattern.compile("<img\\b[^>]*>", Pattern.CASE_INSENSITIVE);
  private static final Pattern HTML_A = Pattern.compile("<a\\b[^>]*>(.*?)</a>", Pattern.CASE_INSENSITIVE);
  private static final Pattern IMAGE_NOTE = Pattern.compile("\\[(?:Image|Picture|Video):[^\\]]*\\]", Pattern.CASE_INSENSITIVE);
  private static final Pattern URL = Pattern.compile("\\(?\\bhttps?://\\S+?\\)?(?=[\\s,;]|\\.?$|\\.\\s)|\\bwww\\.\\S+\\.\\w{2,}\\S*");
  private static final Pattern SEE_URL =
      Pattern.compile("(?i)\\b(?:see|visit|go to|check out|read)\\s+(?:https?://|www\\.)\\S+?[^.!?\\n]*(?:[.!?](?=\\s|$)|$)");
  private static final Pattern SPACES = Pattern.compile("[ \\t\\u00a0]+");

  /** Removes links (keeping their text), images, URLs and reference markers; collapses spaces. */
  public static String clean(String s) {
    if (s == null) return "";
    String t = s;
    // in this order: scrape residue and images go, links keep their text, then bare URLs and markers go
    for (Pattern p : List.of(EXPERT, TRUSTED, RESEARCH, MD_IMAGE, HTML_IMG)) t = p.matcher(t).replaceAll("");
    for (Pattern p : List.of(MD_LINK, HTML_A)) t = p.matcher(t).replaceAll("$1");
    for (Pattern p : List.of(IMAGE_NOTE, SEE_URL, URL, MARKER)) t = p.matcher(t).replaceAll("");
    t = SPACES.matcher(t).replaceAll(" ");
    t = t.replace(" .", ".").replace(" ,", ",");
    return t.strip();
  }

  private static String norm(String s) {
    return s.toLowerCase(Locale.ROOT).replace('’', '\'').replaceAll("[^a-z0-9&']+", " ").strip();
  }
}
