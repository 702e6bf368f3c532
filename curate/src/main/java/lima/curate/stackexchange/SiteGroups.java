package lima.curate.stackexchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import lima.core.UserException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The site-to-group table: every Stack Exchange site is {@code stem}, {@code other} or {@code
 * excluded}. The default ships in {@code data/stackexchange/site-groups.csv} (on the classpath as
 * {@code lima/curate/stackexchange/site-groups.csv}); {@code --site-groups FILE} replaces it. A CSV
 * with a header holding at least {@code site} and {@code group}. Site keys are normalised like dump
 * names ({@link DumpSource#siteName}). A site the table does not list is a meta site (excluded) when
 * one of its host labels is {@code meta}, else {@link #UNLISTED}.
 */
public final class SiteGroups {
  public static final String STEM = "stem";
  public static final String OTHER = "other";
  public static final String EXCLUDED = "excluded";
  /** The group of a site the table does not list; its pairs are rejected with {@code site_not_in_table}. */
  public static final String UNLISTED = "unlisted";

  static final Set<String> GROUPS = Set.of(STEM, OTHER, EXCLUDED);
  static final String RESOURCE = "/lima/curate/stackexchange/site-groups.csv";

  private final Map<String, String> groups;
  private final String origin;

  private SiteGroups(Map<String, String> groups, String origin) {
    this.groups = groups;
    this.origin = origin;
  }

  /** The table shipped with lima. */
  public static SiteGroups defaults() {
    try (InputStream in = SiteGroups.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
      return parse(new InputStreamReader(in, StandardCharsets.UTF_8), "builtin:" + RESOURCE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
  }

  /** A table from a file (the {@code --site-groups} option). */
  public static SiteGroups load(Path file) throws IOException {
    if (!Files.exists(file) || Files.isDirectory(file)) throw new UserException(file + ": no such site-groups file");
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r, file.toString());
    }
  }

  static SiteGroups parse(Reader r, String origin) throws IOException {
    Map<String, String> m = new TreeMap<>();
    CSVFormat fmt = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true).setCommentMarker('#').build();
    var parser = fmt.parse(r);
    if (!parser.getHeaderMap().containsKey("site") || !parser.getHeaderMap().containsKey("group"))
      throw new UserException(origin + ":1: expected a header with columns site,group (got " + parser.getHeaderNames() + ")");
    for (CSVRecord rec : parser) {
      String site = DumpSource.siteName(rec.get("site").strip());
      String group = rec.get("group").strip().toLowerCase(Locale.ROOT);
      if (site.isEmpty()) continue;
      if (!GROUPS.contains(group))
        throw new UserException(
            origin + ":" + (rec.getRecordNumber() + 1) + ": group \"" + group + "\" for " + site + " (expected stem, other or excluded)");
      m.put(site, group);
    }
    return new SiteGroups(Map.copyOf(m), origin);
  }

  /** stem, other, excluded, or {@link #UNLISTED}. */
  public String group(String site) {
    String s = DumpSource.siteName(site);
    String g = groups.get(s);
    if (g != null) return g;
    for (String label : s.split("\\.")) if (label.equals("meta")) return EXCLUDED;
    return UNLISTED;
  }

  public int size() {
    return groups.size();
  }

  /** sha256 of the table's content (site=group lines, sorted), so --if-changed notices an edited table. */
  public String digest() {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(groups).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return lima.core.Hashing.sha256(sb.toString());
  }

  /** Where the table came from (for the manifest). */
  public String origin() {
    return origin;
  }
}
