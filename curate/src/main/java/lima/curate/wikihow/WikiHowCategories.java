package lima.curate.wikihow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * wikiHow's 19 top-level categories (LIMA samples uniformly over them) and the mapping of
 * sub-categories up to them: a shipped table ({@code categories.tsv}), optionally extended by a user
 * file, applied to each element of a category path from the root.
 */
public final class WikiHowCategories {
  public static final List<String> TOP_LEVEL =
      List.of(
          "Arts and Entertainment", "Cars & Other Vehicles", "Computers and Electronics", "Education and Communications",
          "Family Life", "Finance and Business", "Food and Entertaining", "Health", "Hobbies and Crafts",
          "Holidays and Traditions", "Home and Garden", "Personal Care and Style", "Pets and Animals",
          "Philosophy and Religion", "Relationships", "Sports and Fitness", "Travel", "Work World", "Youth");

  private final Map<String, String> map = new HashMap<>();

  private WikiHowCategories() {
    for (String t : TOP_LEVEL) map.put(norm(t), t);
  }

  /** The shipped table, plus {@code extra} (tab-separated "sub-category, top-level" lines) when not null. */
  public static WikiHowCategories load(Path extra) throws IOException {
    WikiHowCategories c = new WikiHowCategories();
    try (InputStream in = WikiHowCategories.class.getResourceAsStream("categories.tsv")) {
      if (in == null) throw new IllegalStateException("categories.tsv missing from the jar");
      c.read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), "categories.tsv");
    }
    if (extra != null) {
      try (BufferedReader r = Files.newBufferedReader(extra, StandardCharsets.UTF_8)) {
        c.read(r, extra.toString());
      }
    }
    return c;
  }

  /** The shipped table only. */
  public static WikiHowCategories shipped() {
    try {
      return load(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void read(BufferedReader r, String name) throws IOException {
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank() || line.startsWith("#")) continue;
      String[] p = line.split("\t");
      if (p.length != 2)
        throw new lima.core.BadInputException(name + ":" + n + ": expected 'sub-category<TAB>top-level category', got '" + line + "'");
      String top = map.get(norm(p[1]));
      if (top == null || !TOP_LEVEL.contains(top))
        throw new lima.core.BadInputException(name + ":" + n + ": '" + p[1] + "' is not one of the 19 top-level categories");
      map.put(norm(p[0]), top);
    }
  }

  /**
   * The top-level category of {@code raw}: a single name or a path ({@code >}, {@code /}, {@code |},
   * {@code ;}, {@code »} separated, root first); the first element that is known wins.
   */
  public Optional<String> topLevel(String raw) {
    if (raw == null || raw.isBlank()) return Optional.empty();
    String whole = map.get(norm(raw));
    if (whole != null) return Optional.of(whole);
    for (String part : raw.split("\\s*(?:>|/|\\||;|»)\\s*")) {
      String t = map.get(norm(part));
      if (t != null) return Optional.of(t);
    }
    return Optional.empty();
  }

  static String norm(String s) {
    String t = s.toLowerCase(Locale.ROOT).replace("%26", "&").replace("&", " and ").replace('’', '\'');
    t = t.replaceAll("^category:", "");
    return t.replaceAll("[^a-z0-9']+", " ").strip();
  }
}
