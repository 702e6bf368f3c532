package lima.curate.stackexchange;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import lima.core.BadInputException;
import lima.core.UserException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;

/**
 * One site's {@code Posts.xml} as given on the command line: a site archive ({@code
 * coffee.stackexchange.com.7z}, {@code stackoverflow.com-Posts.7z}), an extracted site folder, or a
 * Posts.xml file.
 *
 * <p>The site is named after the file, as archive.org names them: the name without {@code .7z}, a
 * {@code -Posts} suffix, or anything from the first {@code _} on ({@code
 * coffee.stackexchange.com_2015_Posts.fragment.xml}); a file called {@code Posts.xml} takes its folder's
 * name. The old meta spelling {@code meta.coffee.stackexchange.com} becomes {@code
 * coffee.meta.stackexchange.com}. A name without a dot cannot be a site and is refused unless {@code
 * --site} names it.
 */
public record DumpSource(Path path, String site, Kind kind) {

  /** How the Posts.xml is stored. */
  public enum Kind {
    SEVEN_ZIP,
    XML
  }

  /** An open Posts.xml stream and its uncompressed size (-1 when unknown). */
  public record Opened(InputStream in, long size, String name) {}

  /**
   * Expands one command-line argument into dumps: a .7z or .xml file is one dump; a folder holding
   * Posts.xml is one dump; any other folder contributes every .7z and every {@code *Posts*.xml} in it
   * (sorted by name).
   */
  public static List<DumpSource> resolve(Path arg, String siteOverride) throws IOException {
    if (!Files.exists(arg)) throw new UserException(arg + ": no such file or folder");
    List<DumpSource> out = new ArrayList<>();
    if (Files.isDirectory(arg)) {
      Path posts = findPosts(arg);
      if (posts != null) {
        out.add(new DumpSource(posts, site(arg.toAbsolutePath().normalize().getFileName().toString(), siteOverride, arg), Kind.XML));
      } else {
        try (Stream<Path> s = Files.list(arg)) {
          for (Path p : s.sorted().toList()) {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            boolean archive = n.endsWith(".7z") && Files.isRegularFile(p);
            boolean xml = n.endsWith(".xml") && n.contains("posts") && Files.isRegularFile(p);
            boolean siteFolder = Files.isDirectory(p) && findPosts(p) != null;
            if (archive || xml || siteFolder) out.addAll(resolve(p, siteOverride));
          }
        }
        if (out.isEmpty())
          throw new UserException(arg + ": no Posts.xml, *.7z or *Posts*.xml in this folder");
      }
    } else {
      String n = arg.getFileName().toString();
      Kind k = n.toLowerCase(Locale.ROOT).endsWith(".7z") ? Kind.SEVEN_ZIP : Kind.XML;
      out.add(new DumpSource(arg, site(n, siteOverride, arg), k));
    }
    return out;
  }

  private static Path findPosts(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().equalsIgnoreCase("Posts.xml") && Files.isRegularFile(p)).findFirst().orElse(null);
    }
  }

  /** The site key for a file or folder name (see the class comment for the rule). */
  public static String siteName(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    if (n.endsWith(".7z")) n = n.substring(0, n.length() - 3);
    if (n.equals("posts.xml") || n.equals("posts")) return "";
    int us = n.indexOf('_');
    if (us > 0) n = n.substring(0, us);
    if (n.endsWith(".xml")) n = n.substring(0, n.length() - 4);
    int dash = n.lastIndexOf("-posts");
    if (dash > 0) n = n.substring(0, dash);
    if (n.startsWith("meta.") && n.endsWith(".stackexchange.com") && n.length() > "meta..stackexchange.com".length())
      n = n.substring(5, n.length() - ".stackexchange.com".length()) + ".meta.stackexchange.com";
    return n;
  }

  private static String site(String fileName, String override, Path p) {
    if (override != null && !override.isBlank()) return override.strip().toLowerCase(Locale.ROOT);
    String s = siteName(fileName);
    if (s.isEmpty() && p.toAbsolutePath().getParent() != null && fileName.equalsIgnoreCase("Posts.xml"))
      s = siteName(p.toAbsolutePath().normalize().getParent().getFileName().toString());
    if (s.isEmpty() || s.indexOf('.') < 0)
      throw new UserException(
          p + ": cannot tell the site from the name \"" + fileName + "\" (expected e.g. coffee.stackexchange.com.7z); pass --site");
    return s;
  }

  /** Size on disk of the input (for the manifest and progress of XML inputs). */
  public long fileSize() throws IOException {
    return Files.size(path);
  }

  /**
   * Opens the Posts.xml bytes. For an archive, the entry named {@code Posts.xml} (any folder, any
   * case) is streamed straight out of the 7z.
   *
   * @throws BadInputException when the archive cannot be read or has no Posts.xml
   */
  public Opened open() throws IOException {
    return open("Posts.xml");
  }

  /**
   * Opens another file of the same dump: for an archive its entry {@code file} (e.g. {@code
   * Comments.xml}); for an extracted {@code Posts.xml} the file beside it; for a {@code *Posts*.xml} file
   * the same name with {@code Comments} (etc.) for {@code Posts}.
   *
   * @throws BadInputException when there is no such file or entry
   */
  public Opened open(String file) throws IOException {
    if (kind == Kind.XML && !file.equalsIgnoreCase("Posts.xml")) {
      String n = path.getFileName().toString();
      String other = n.equalsIgnoreCase("Posts.xml") ? file : n.replace("Posts", file.substring(0, file.length() - 4));
      Path f = path.resolveSibling(other);
      if (!Files.isRegularFile(f)) throw new BadInputException(f + ": no such file (the " + file + " of " + path + ")");
      Path parent = f.toAbsolutePath().normalize().getParent();
      return new Opened(Files.newInputStream(f), Files.size(f), (parent != null && parent.getFileName() != null ? parent.getFileName() + "/" : "") + other);
    }
    if (kind == Kind.XML) {
      // A bare Posts.xml is named with its folder so messages say which site it is.
      Path parent = path.toAbsolutePath().normalize().getParent();
      String name = path.getFileName().toString();
      if (name.equalsIgnoreCase("Posts.xml") && parent != null && parent.getFileName() != null) name = parent.getFileName() + "/" + name;
      return new Opened(Files.newInputStream(path), Files.size(path), name);
    }
    SevenZFile z;
    try {
      z = SevenZFile.builder().setPath(path).get();
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(path + ": not a readable 7z archive (" + message(e) + ")", e);
    }
    try {
      SevenZArchiveEntry posts = null;
      for (SevenZArchiveEntry e : z.getEntries()) {
        String n = e.getName().replace('\\', '/');
        String base = n.substring(n.lastIndexOf('/') + 1);
        if (!e.isDirectory() && base.equalsIgnoreCase(file)) {
          posts = e;
          break;
        }
      }
      if (posts == null) throw new BadInputException(path + ": archive holds no " + file);
      InputStream in = z.getInputStream(posts);
      String name = path.getFileName() + ":" + posts.getName();
      return new Opened(
          new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              try {
                return in.read(b, off, len);
              } catch (IOException | RuntimeException e) {
                throw new IOException(name + ": corrupt or truncated archive (" + message(e) + ")", e);
              }
            }

            @Override
            public void close() throws IOException {
              try {
                in.close();
              } finally {
                z.close();
              }
            }
          },
          posts.getSize(),
          name);
    } catch (IOException | RuntimeException e) {
      z.close();
      if (e instanceof BadInputException b) throw b;
      throw new BadInputException(path + ": not a readable 7z archive (" + message(e) + ")", e);
    }
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }
}
