package lima.curate.stackexchange;

import com.ctc.wstx.api.WstxInputProperties;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLResolver;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import lima.core.BadInputException;
import lima.core.CountingInputStream;

/**
 * Streams the rows of a Stack Exchange {@code Posts.xml} with StAX, one {@link Post} at a time; the
 * file is never held in memory.
 *
 * <p>Handles the UTF-8 byte order mark, CRLF line ends, the {@code <!DOCTYPE posts SYSTEM
 * 'posts.dtd'>} line (never fetched), both tag encodings and absent attributes. Hostile XML is never
 * obeyed: DTDs are not processed, external entities are not resolved (a resolver that refuses
 * everything is installed as a second lock), and an entity declared in an internal subset cannot be
 * expanded, so a "billion laughs" document stops with an error instead of growing.
 *
 * <p>Invalid UTF-8 is decoded to U+FFFD; a row whose text then holds U+FFFD is reported as bad. A
 * recoverable row problem (a bad {@code Id} or {@code Score}) is reported through {@link BadRows}
 * and reading goes on. So is a well-formedness error: StAX cannot resume after one, so the row is
 * reported with its line and column, and a fresh parser resumes at the next line that starts a
 * {@code <row} element (see {@link ResyncReader}); line numbers stay those of the file. Only a read
 * error (a broken archive), a refused entity reference, or an error whose position has already left
 * the window, make {@link #next()} throw a {@link BadInputException} naming the file, line and
 * column, after which the rest of the file is lost.
 */
public final class PostsReader implements Closeable {

  /** Receives rows that cannot be used; reading goes on after it returns. */
  @FunctionalInterface
  public interface BadRows {
    void bad(String where, String reason, String excerpt) throws IOException;
  }

  /** A well-formedness or read error after which the rest of the file cannot be read. */
  public static final class NotWellFormed extends BadInputException {
    private static final long serialVersionUID = 1L;
    private final String where;
    private final String detail;

    NotWellFormed(String where, String detail, Throwable cause) {
      super(where + ": " + detail, cause);
      this.where = where;
      this.detail = detail;
    }

    /** {@code file:line:column} (or just the file when the position is unknown). */
    public String where() {
      return where;
    }

    /** What went wrong, without the position. */
    public String detail() {
      return detail;
    }
  }

  private static final XMLInputFactory FACTORY = secureFactory();

  private final String name;
  private final CountingInputStream counted;
  private final ResyncReader text;
  private XMLStreamReader xml;
  /** Added to the current parser's line numbers to give the file's. */
  private long lineOffset;
  private long malformed;
  private final BadRows onBad;
  private final int maxBodyChars;
  private final int answerBodyMinScore;
  private long rows;
  private boolean done;

  /**
   * @param in the bytes of a Posts.xml (closed by {@link #close()})
   * @param name how the file is named in messages, e.g. {@code coffee.stackexchange.com.7z:Posts.xml}
   */
  public PostsReader(InputStream in, String name, BadRows onBad) throws IOException {
    this(in, name, onBad, Integer.MAX_VALUE);
  }

  /** As above; bodies longer than {@code maxBodyChars} are dropped and the post marked oversized. */
  public PostsReader(InputStream in, String name, BadRows onBad, int maxBodyChars) throws IOException {
    this(in, name, onBad, maxBodyChars, Integer.MIN_VALUE);
  }

  public PostsReader(InputStream in, String name, BadRows onBad, int maxBodyChars, int answerBodyMinScore) throws IOException {
    this(in, name, onBad, maxBodyChars, answerBodyMinScore, ResyncReader.DEFAULT_WINDOW);
  }

  /**
   * As above; in addition the Body of an answer scoring below {@code answerBodyMinScore} is not
   * materialised (left null, and not checked for invalid UTF-8): the curation never uses it, and most
   * of a dump's bytes are such bodies.
   */
  PostsReader(InputStream in, String name, BadRows onBad, int maxBodyChars, int answerBodyMinScore, int windowChars) throws IOException {
    this.name = name;
    this.maxBodyChars = maxBodyChars;
    this.answerBodyMinScore = answerBodyMinScore;
    this.onBad = onBad;
    this.counted = new CountingInputStream(in);
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    this.text = new ResyncReader(new InputStreamReader(counted, decoder), windowChars);
    try {
      text.skipBom();
    } catch (IOException e) {
      throw new NotWellFormed(name, "read error, nothing could be read (" + e.getMessage() + ")", e);
    }
    try {
      this.xml = FACTORY.createXMLStreamReader(text);
    } catch (XMLStreamException e) {
      throw fatal(e);
    }
  }

  /**
   * Woodstox, pinned by class (a StAX jar that another dependency drags onto the class path cannot
   * change what parses the dumps or how it is locked), with DTDs, external entities and entity
   * expansion switched off and every size limit set explicitly. Woodstox parses Posts.xml with about
   * half the CPU of the JDK's parser (whose per-document entity-size accounting for {@code &lt;} and
   * {@code &amp;} alone was a tenth of a curation profile); see docs/libraries-stackexchange.md.
   */
  static XMLInputFactory secureFactory() {
    XMLInputFactory f = new com.ctc.wstx.stax.WstxInputFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, false);
    f.setProperty(XMLInputFactory.IS_VALIDATING, false);
    // Second locks: even if an entity were declared, it could not nest or repeat far, and nothing
    // external can be resolved.
    f.setProperty(WstxInputProperties.P_MAX_ENTITY_DEPTH, 1);
    f.setProperty(WstxInputProperties.P_MAX_ENTITY_COUNT, 1);
    f.setProperty(WstxInputProperties.P_MAX_DTD_DEPTH, 1);
    f.setProperty(WstxInputProperties.P_ENTITY_RESOLVER, REFUSE);
    f.setProperty(WstxInputProperties.P_DTD_RESOLVER, REFUSE);
    f.setProperty(WstxInputProperties.P_UNDECLARED_ENTITY_RESOLVER, REFUSE);
    f.setXMLResolver(REFUSE);
    // A dump is one <posts> element with tens of millions of <row> children, and a Body can be long
    // (the reader drops bodies over --max-body-chars itself): Woodstox's default caps on children
    // and attribute length (512K chars) would stop a real dump, so they are lifted; depth and
    // attribute-count caps stay small.
    f.setProperty(WstxInputProperties.P_MAX_CHILDREN_PER_ELEMENT, Integer.MAX_VALUE);
    f.setProperty(WstxInputProperties.P_MAX_ELEMENT_COUNT, Long.MAX_VALUE);
    f.setProperty(WstxInputProperties.P_MAX_CHARACTERS, Long.MAX_VALUE);
    f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, Integer.MAX_VALUE);
    f.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, Integer.MAX_VALUE);
    f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, 1000);
    f.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, 100);
    f.setProperty(WstxInputProperties.P_INPUT_BUFFER_LENGTH, 1 << 16);
    return f;
  }

  private static final XMLResolver REFUSE =
      (publicId, systemId, baseUri, namespace) -> {
        throw new XMLStreamException("refusing to load external entity " + systemId);
      };

  /** Uncompressed bytes consumed so far (for progress). */
  public long bytesRead() {
    return counted.count();
  }

  /** Rows seen so far, good or bad. */
  public long rows() {
    return rows;
  }

  /** Well-formedness errors reported (and skipped) so far. */
  public long malformed() {
    return malformed;
  }

  public String name() {
    return name;
  }

  /**
   * The next usable row, or null at the end of the file. Bad rows go to {@link BadRows} and are
   * skipped.
   *
   * @throws NotWellFormed on a read error, a refused entity reference or a well-formedness error that
   *     cannot be resumed from (the rest of the file cannot be read)
   */
  public Post next() throws IOException {
    while (!done) {
      try {
        return nextInDocument();
      } catch (XMLStreamException e) {
        resume(e);
      } catch (IOException e) {
        done = true;
        throw new NotWellFormed(where(xml.getLocation()), "read error, the rest of the file is lost (" + e.getMessage() + ")", e);
      }
    }
    return null;
  }

  /** Reports a well-formedness error as a bad row and starts a fresh parser at the next row line. */
  private void resume(XMLStreamException e) throws IOException {
    Location loc = e.getLocation();
    Throwable cause = e.getNestedException() != null ? e.getNestedException() : e.getCause();
    long at = loc instanceof com.ctc.wstx.io.WstxInputLocation w ? text.absolute(w.getCharacterOffsetLong()) : -1;
    if ((cause instanceof IOException && !(cause instanceof java.io.CharConversionException)) || loc == null || at < 0 || !text.inWindow(at)) {
      done = true;
      throw fatal(e);
    }
    long line = loc.getLineNumber() + lineOffset;
    String excerpt = text.lineAround(at, 200);
    try {
      xml.close();
    } catch (XMLStreamException ignored) {
      // The failed parser holds nothing that needs keeping.
    }
    malformed++;
    String msg = message(e);
    long open = text.rowLineAt(at);
    if (open >= 0) {
      // The parser stopped at a row that starts its line: the row before it was left open (a lost
      // quote or '>') and is the one dropped; this row is read again by a fresh parser.
      text.resumeAt(open);
      onBad.bad(where(loc), "not well-formed XML, the row before this line is not closed and is dropped; reading resumes at line " + line + " (" + msg + ")", excerpt);
      lineOffset = line - 1;
      newParser();
      return;
    }
    long skipped = text.resync(at);
    if (skipped < 0) {
      done = true;
      onBad.bad(where(loc), "not well-formed XML, no row follows it in the file (" + msg + ")", excerpt);
      return;
    }
    onBad.bad(where(loc), "not well-formed XML, reading resumes at line " + (line + skipped) + " (" + msg + ")", excerpt);
    lineOffset = line + skipped - 1;
    newParser();
  }

  private void newParser() {
    try {
      xml = FACTORY.createXMLStreamReader(text);
    } catch (XMLStreamException e) {
      done = true;
      throw fatal(e);
    }
  }

  private Post nextInDocument() throws IOException, XMLStreamException {
    while (xml.hasNext()) {
      int ev = xml.next();
      if (ev == XMLStreamConstants.START_ELEMENT && "row".equals(xml.getLocalName())) {
        rows++;
        Post p = row();
        if (p != null) return p;
      } else if (ev == XMLStreamConstants.ENTITY_REFERENCE) {
        done = true;
        throw new NotWellFormed(
            where(xml.getLocation()), "entity reference &" + xml.getLocalName() + "; refused (DTD entities are not expanded)", null);
      }
    }
    done = true;
    return null;
  }

  private Post row() throws IOException {
    long line = xml.getLocation().getLineNumber() + lineOffset;
    String id = null, type = null, parent = null, accepted = null, score = null, answers = null;
    String title = null, body = null, tags = null, license = null;
    boolean closed = false, cw = false, locked = false;
    int bodyIndex = -1;
    int n = xml.getAttributeCount();
    for (int i = 0; i < n; i++) {
      String k = xml.getAttributeLocalName(i);
      switch (k) {
        case "Id" -> id = xml.getAttributeValue(i);
        case "PostTypeId" -> type = xml.getAttributeValue(i);
        case "ParentId" -> parent = xml.getAttributeValue(i);
        case "AcceptedAnswerId" -> accepted = xml.getAttributeValue(i);
        case "Score" -> score = xml.getAttributeValue(i);
        case "AnswerCount" -> answers = xml.getAttributeValue(i);
        case "Title" -> title = xml.getAttributeValue(i);
        case "Body" -> bodyIndex = i;
        case "Tags" -> tags = xml.getAttributeValue(i);
        case "ContentLicense" -> license = xml.getAttributeValue(i);
        case "ClosedDate" -> closed = !xml.getAttributeValue(i).isBlank();
        case "CommunityOwnedDate" -> cw = !xml.getAttributeValue(i).isBlank();
        case "LockedDate", "DeletionDate" -> locked = !xml.getAttributeValue(i).isBlank();
        default -> {}
      }
    }
    String where = name + ":" + line;
    long idv, parentv, acceptedv;
    int typev, scorev, answersv;
    try {
      idv = required(id, "Id");
      typev = (int) required(type, "PostTypeId");
      parentv = optional(parent, "ParentId");
      acceptedv = optional(accepted, "AcceptedAnswerId");
      scorev = (int) optional(score, "Score");
      answersv = answers == null || answers.isEmpty() ? -1 : (int) number(answers, "AnswerCount");
    } catch (IllegalArgumentException e) {
      onBad.bad(where, e.getMessage(), excerpt(id, title, bodyIndex >= 0 ? xml.getAttributeValue(bodyIndex) : null));
      return null;
    }
    if (bodyIndex >= 0 && !(typev == Post.ANSWER && scorev < answerBodyMinScore)) body = xml.getAttributeValue(bodyIndex);
    if (typev == Post.ANSWER && parentv <= 0) {
      onBad.bad(where, "answer Id=" + idv + " has no ParentId", excerpt(id, title, body));
      return null;
    }
    if ((title != null && title.indexOf('\uFFFD') >= 0) || (body != null && body.indexOf('\uFFFD') >= 0)) {
      onBad.bad(where, "row Id=" + idv + " holds invalid UTF-8 (decoded as U+FFFD); row dropped", excerpt(id, title, body));
      return null;
    }
    boolean oversized = body != null && body.length() > maxBodyChars;
    if (oversized) body = null;
    return new Post(
        idv, typev, parentv, acceptedv, scorev, answersv, title, body, Post.parseTags(tags), closed, cw, locked, license, oversized, line);
  }

  private static long required(String v, String attr) {
    if (v == null) throw new IllegalArgumentException("missing " + attr + " attribute");
    return number(v, attr);
  }

  private static long optional(String v, String attr) {
    return v == null || v.isEmpty() ? 0 : number(v, attr);
  }

  private static long number(String v, String attr) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      String shown = v.length() > 40 ? v.substring(0, 40) + "..." : v;
      throw new IllegalArgumentException("bad " + attr + " \"" + shown + "\" (expected an integer)");
    }
  }

  private static String excerpt(String id, String title, String body) {
    StringBuilder sb = new StringBuilder("Id=").append(id);
    if (title != null) sb.append(" Title=").append(title.length() > 100 ? title.substring(0, 100) : title);
    if (body != null) sb.append(" Body=").append(body.length() > 150 ? body.substring(0, 150) : body);
    return sb.toString();
  }

  /** {@code file:line:column} in the file's numbering (the synthetic prefix after a resync removed). */
  private String where(Location loc) {
    int col = loc.getColumnNumber();
    if (lineOffset > 0 && loc.getLineNumber() == 1) col -= ResyncReader.PREFIX.length();
    return name + ":" + (loc.getLineNumber() + lineOffset) + ":" + col;
  }

  private NotWellFormed fatal(XMLStreamException e) {
    Location loc = e.getLocation();
    String at = loc == null ? name : where(loc);
    return new NotWellFormed(at, "not well-formed XML, the rest of the file is lost (" + message(e) + ")", e);
  }

  /** The parser's message on one line, without its position. */
  private static String message(XMLStreamException e) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    // The JDK prefixes its message with "ParseError at [row,col]:[l,c]\nMessage: ".
    int m = msg.indexOf("Message: ");
    if (m >= 0) msg = msg.substring(m + 9);
    // Woodstox appends "\n at [row,col {unknown-source}]: [l,c]"; the position is printed in front.
    int at0 = msg.indexOf(" at [row,col");
    if (at0 >= 0) msg = msg.substring(0, at0);
    msg = msg.replace('\n', ' ').strip();
    Throwable cause = e.getNestedException() != null ? e.getNestedException() : e.getCause();
    if (cause instanceof IOException io && !(cause instanceof java.io.CharConversionException))
      msg = "read error: " + io.getMessage();
    return msg;
  }

  @Override
  public void close() throws IOException {
    DumpRows.close(xml, text);
  }
}
