package lima.curate.stackexchange;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The {@code <row .../>} elements of any Stack Exchange dump file (Comments.xml, or Posts.xml read for a
 * few attributes), streamed with StAX (no DTD, no external entities), each as the subset of attributes
 * asked for. Used by the dialogue chains, which need rows that {@link PostsReader} does not keep.
 */
final class DumpRows implements Closeable {
  private static final XMLInputFactory FACTORY = factory();

  private final XMLStreamReader xml;
  private final InputStream in;
  private final Set<String> wanted;
  private final String name;

  DumpRows(InputStream in, String name, Set<String> attributes) throws IOException {
    this.in = in;
    this.name = name;
    this.wanted = attributes;
    try {
      this.xml = FACTORY.createXMLStreamReader(in, "UTF-8");
    } catch (XMLStreamException e) {
      throw new lima.core.BadInputException(name + ": not XML (" + e.getMessage() + ")");
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    return f;
  }

  /** The next row's wanted attributes (absent ones missing), or null at the end. */
  Map<String, String> next() throws IOException {
    try {
      while (xml.hasNext()) {
        if (xml.next() == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("row")) {
          Map<String, String> m = new HashMap<>();
          for (int i = 0; i < xml.getAttributeCount(); i++) {
            String k = xml.getAttributeLocalName(i);
            if (wanted.contains(k)) m.put(k, xml.getAttributeValue(i));
          }
          m.put("#line", String.valueOf(xml.getLocation().getLineNumber()));
          return m;
        }
      }
      return null;
    } catch (XMLStreamException e) {
      throw new lima.core.BadInputException(name + ":" + (e.getLocation() == null ? "?" : e.getLocation().getLineNumber()) + ": not well-formed XML (" + e.getMessage().replace('\n', ' ') + ")");
    }
  }

  @Override
  public void close() throws IOException {
    close(xml, in);
  }

  /**
   * Closes a StAX reader, then the stream below it (which the reader's close leaves open); an error
   * closing the reader loses nothing and is ignored.
   */
  static void close(XMLStreamReader xml, Closeable below) throws IOException {
    try {
      xml.close();
    } catch (XMLStreamException e) {
      // closing only
    } finally {
      below.close();
    }
  }
}
