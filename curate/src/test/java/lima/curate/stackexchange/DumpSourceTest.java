package lima.curate.stackexchange;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lima.core.BadInputException;
import lima.core.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpSourceTest {
  @TempDir Path tmp;

  @Test
  void siteNameRule() {
    assertEquals("coffee.stackexchange.com", DumpSource.siteName("coffee.stackexchange.com.7z"));
    assertEquals("stackoverflow.com", DumpSource.siteName("stackoverflow.com-Posts.7z"));
    assertEquals("coffee.stackexchange.com", DumpSource.siteName("coffee.stackexchange.com_2015_Posts.fragment.xml"));
    assertEquals("coffee.meta.stackexchange.com", DumpSource.siteName("meta.coffee.stackexchange.com.7z"));
    assertEquals("datascience.meta.stackexchange.com", DumpSource.siteName("datascience.meta.stackexchange.com_2024_Posts.fragment.xml"));
    assertEquals("mathoverflow.net", DumpSource.siteName("mathoverflow.net"));
    assertEquals("", DumpSource.siteName("Posts.xml"));
  }

  @Test
  void postsXmlTakesItsFolderNameAndAnUnnamedFileNeedsSite() throws Exception {
    Path site = Files.createDirectories(tmp.resolve("beer.stackexchange.com"));
    Files.writeString(site.resolve("Posts.xml"), "<posts/>");
    assertEquals("beer.stackexchange.com", DumpSource.resolve(site, null).get(0).site());
    assertEquals("beer.stackexchange.com", DumpSource.resolve(site.resolve("Posts.xml"), null).get(0).site());
    Path odd = Files.createDirectories(tmp.resolve("dump"));
    Files.writeString(odd.resolve("Posts.xml"), "<posts/>");
    UserException e = assertThrows(UserException.class, () -> DumpSource.resolve(odd, null));
    assertTrue(e.getMessage().contains("--site"), e.getMessage());
    assertEquals("x.stackexchange.com", DumpSource.resolve(odd, "x.stackexchange.com").get(0).site());
  }

  @Test
  void folderOfDumpsExpandsSorted() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("many"));
    Files.writeString(dir.resolve("b.stackexchange.com_Posts.xml"), "<posts/>");
    Files.writeString(dir.resolve("a.stackexchange.com_Posts.xml"), "<posts/>");
    Files.writeString(dir.resolve("Sites.xml"), "<sites/>");
    Files.writeString(dir.resolve("readme.txt"), "x");
    List<DumpSource> d = DumpSource.resolve(dir, null);
    assertEquals(List.of("a.stackexchange.com", "b.stackexchange.com"), d.stream().map(DumpSource::site).toList());
    assertThrows(UserException.class, () -> DumpSource.resolve(tmp.resolve("missing.7z"), null));
  }

  @Test
  void readsPostsXmlOutOfA7zAfterOtherEntries() throws Exception {
    Path posts = tmp.resolve("Posts.xml");
    Path comments = tmp.resolve("Comments.xml");
    Files.writeString(posts, Fixtures.doc("  <row Id=\"1\" PostTypeId=\"1\" Title=\"t\" />"));
    Files.writeString(comments, "<comments><row Id=\"1\" Text=\"c\"/></comments>");
    Path archive = tmp.resolve("coffee.stackexchange.com.7z");
    SyntheticDump.pack(archive, List.of(comments, posts));
    DumpSource d = DumpSource.resolve(archive, null).get(0);
    assertEquals(DumpSource.Kind.SEVEN_ZIP, d.kind());
    DumpSource.Opened o = d.open();
    try (InputStream in = o.in()) {
      assertEquals(Files.readString(posts), new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(Files.size(posts), o.size());
    assertEquals("coffee.stackexchange.com.7z:Posts.xml", o.name());
  }

  @Test
  void corruptOrPostlessArchiveIsAOneLineError() throws Exception {
    Path junk = tmp.resolve("junk.stackexchange.com.7z");
    Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
    var e = assertThrows(BadInputException.class, () -> DumpSource.resolve(junk, null).get(0).open());
    assertTrue(e.getMessage().startsWith(junk + ": not a readable 7z archive"), e.getMessage());
    Path other = tmp.resolve("Tags.xml");
    Files.writeString(other, "<tags/>");
    Path noPosts = tmp.resolve("empty.stackexchange.com.7z");
    SyntheticDump.pack(noPosts, List.of(other));
    var e2 = assertThrows(BadInputException.class, () -> DumpSource.resolve(noPosts, null).get(0).open());
    assertTrue(e2.getMessage().endsWith("archive holds no Posts.xml"), e2.getMessage());
  }

  @Test
  void truncatedArchiveFailsWhileReadingWithTheArchiveName() throws Exception {
    Path posts = tmp.resolve("Posts.xml");
    StringBuilder sb = new StringBuilder(Fixtures.HEADER);
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    for (int i = 1; i <= 3000; i++) sb.append("  <row Id=\"").append(i).append("\" PostTypeId=\"1\" Title=\"").append(Long.toHexString(r.nextLong())).append("\" />\n");
    sb.append(Fixtures.FOOTER);
    Files.writeString(posts, sb);
    Path full = tmp.resolve("full.7z");
    SyntheticDump.pack(full, List.of(posts));
    byte[] bytes = Files.readAllBytes(full);
    // A 7z keeps its directory at the end: cutting the tail leaves an archive that cannot be opened.
    Path cut = tmp.resolve("cut.stackexchange.com.7z");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThrows(BadInputException.class, () -> DumpSource.resolve(cut, null).get(0).open());
    // Damage in the middle of the compressed data fails while reading, naming the archive.
    byte[] damaged = bytes.clone();
    for (int i = 40; i < damaged.length / 2; i++) damaged[i] = (byte) (damaged[i] ^ 0x5A);
    Path bad = tmp.resolve("bad.stackexchange.com.7z");
    Files.write(bad, damaged);
    Exception e =
        assertThrows(
            Exception.class,
            () -> {
              DumpSource.Opened o = DumpSource.resolve(bad, null).get(0).open();
              try (PostsReader pr = new PostsReader(o.in(), o.name(), (w, re, x) -> {})) {
                while (pr.next() != null) {}
              }
            });
    assertTrue(e instanceof BadInputException, e.toString());
    assertTrue(e.getMessage().contains("bad.stackexchange.com.7z"), e.getMessage());
  }
}
