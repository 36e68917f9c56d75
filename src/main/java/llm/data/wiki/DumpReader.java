package llm.data.wiki;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import llm.UserException;
import llm.io.FailureFilterInputStream;
import llm.io.Inputs;
import llm.io.StrictUtf8Reader;

/**
 * Streams the articles of a MediaWiki XML export ({@code <mediawiki><page><title>…<ns>0</ns>…<revision><text>…}) with
 * the JDK's StAX parser, one {@link Page} at a time: pages of the main namespace ({@code <ns>0</ns>}; without an
 * {@code <ns>}, a title without a namespace prefix of the dump's {@code <siteinfo>}) that are not redirects (a
 * {@code <redirect>} element, or text that starts with {@code #REDIRECT} or a localized form such as {@code #重定向}).
 * A page with several revisions yields its last. The encoding comes from the XML (its BOM and declaration).
 *
 * <p>Hostile input is refused, never followed: a document type declaration is an error before anything is parsed (so
 * no external entity — {@code <!ENTITY x SYSTEM "file:///etc/passwd">} — and no entity-expansion bomb), elements
 * nest at most {@link #MAX_DEPTH} deep, and memory is bounded by the page: a title longer than
 * {@link #MAX_TITLE_CHARS} or a text longer than {@link #MAX_TEXT_CHARS} characters is an error (MediaWiki itself
 * stores at most 2 MiB of wikitext per revision), as is malformed XML. An error is a one-line {@link UserException}
 * naming the input and the line and column of the XML, thrown by {@link #hasNext} after the pages that were complete.
 */
public final class DumpReader implements Iterator<Page>, Closeable {
    /** Characters of one page's text at most: 4× MediaWiki's own limit of 2 MiB per revision. */
    public static final int MAX_TEXT_CHARS = 8 << 20;
    /** Characters of a title at most (MediaWiki's limit is 255 bytes). */
    public static final int MAX_TITLE_CHARS = 1024;
    /** Element nesting at most (a dump nests 5 deep). */
    static final int MAX_DEPTH = 64;
    private static final int MAX_SMALL_CHARS = 256;
    private static final int MAX_NAMESPACES = 10_000;

    /** {@code #REDIRECT} and the forms of the largest Wikipedias (en, zh, de, fr, es, ru, ja, pt, it, nl, pl). */
    private static final Pattern REDIRECT = Pattern.compile("^\\s*#(redirect|重定向|重新導向|重新导向|weiterleitung"
            + "|redirection|redirección|redireccion|перенаправление|転送|リダイレクト|redirecionamento|rinvia"
            + "|doorverwijzing|przekieruj)", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private final XMLStreamReader xml;
    private final ReadErrors in;
    private final String source;
    private final Map<String, Integer> namespaces = new HashMap<>();
    private Page next;
    private boolean done;
    private boolean sawRoot;
    private long pages;
    private long redirects;
    private long otherNamespaces;
    private long articles;

    private DumpReader(XMLStreamReader xml, ReadErrors in, String source) {
        this.xml = xml;
        this.in = in;
        this.source = source;
    }

    /** Open a dump ({@code in}: decompressed, positioned at its start); {@code name} names it in errors. */
    public static DumpReader open(BufferedInputStream in, String name) {
        String source = Inputs.displayName(name);
        byte[] head;
        try {
            head = DumpFormat.head(in);
            DumpFormat.Prologue p = DumpFormat.prologue(DumpFormat.decode(head));
            if (p != null && p.hasDoctype()) {
                throw UserException.runtime(source + ": line " + p.doctypeLine() + ", column " + p.doctypeColumn()
                        + ": a document type declaration (<!DOCTYPE ...>): refused (a MediaWiki dump has none, and"
                        + " one can read local files or expand entities without bound)");
            }
        } catch (IOException e) {
            throw Inputs.readError(name, e);
        }
        ReadErrors guarded = new ReadErrors(in);
        try {
            XMLStreamReader xml = utf8(in, head) ? factory().createXMLStreamReader(new StrictUtf8Reader(guarded, name))
                    : factory().createXMLStreamReader(guarded);
            return new DumpReader(xml, guarded, source);
        } catch (IOException e) {
            throw Inputs.readError(name, e);
        } catch (XMLStreamException e) {
            throw UserException.runtime(source + ": " + why(e, guarded.failure), e);
        }
    }

    /**
     * Whether the dump is UTF-8 (no UTF-16 byte order mark or zero byte first, no other encoding declared), a UTF-8
     * byte order mark then passed over. Such a dump (every dump Wikimedia ships) is decoded by {@link StrictUtf8Reader}
     * rather than by the parser: the JDK's parser reports a malformed byte through its default error handler, which
     * prints {@code [Fatal Error] :-1:-1: Invalid byte 1 of 1-byte UTF-8 sequence.} to stderr besides the exception,
     * and StAX offers no way to replace that handler; our reader ends with one line naming the byte's offset.
     */
    private static boolean utf8(BufferedInputStream in, byte[] head) throws IOException {
        if (DumpFormat.charset(head) != StandardCharsets.UTF_8) {
            return false; // UTF-16 (by its BOM or a zero byte): the parser decodes it
        }
        var declared = DECLARED_ENCODING.matcher(DumpFormat.decode(head));
        if (declared.lookingAt() && !declared.group(1).equalsIgnoreCase("UTF-8")
                && !declared.group(1).equalsIgnoreCase("UTF8")) {
            return false;
        }
        in.skipNBytes(DumpFormat.bomLength(head));
        return true;
    }

    private static final Pattern DECLARED_ENCODING =
            Pattern.compile("<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._-]+)[\"']");

    /**
     * The JDK's own StAX parser, whose hardening properties below are known to hold: newFactory() would look for
     * another implementation first (a system property, jaxp.properties, every jar's META-INF/services), a search of
     * the class path per dump opened, and one found there (Spark brings Woodstox) may refuse or ignore the limits.
     */
    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false); // long text arrives in pieces: memory stays bounded
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setProperty("jdk.xml.maxElementDepth", MAX_DEPTH);
        return f;
    }

    /**
     * What a reader has counted so far.
     *
     * @param pages           pages read (all namespaces, redirects included)
     * @param redirects       redirects passed over
     * @param otherNamespaces pages of other namespaces passed over
     * @param articles        articles given out
     */
    public record Counts(long pages, long redirects, long otherNamespaces, long articles) {}

    /** The counts so far. */
    public Counts counts() {
        return new Counts(pages, redirects, otherNamespaces, articles);
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            try {
                next = readArticle();
            } catch (XMLStreamException e) {
                done = true;
                throw UserException.runtime(source + ": " + why(e, in.failure), e);
            }
            done = next == null;
        }
        return next != null;
    }

    @Override
    public Page next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Page p = next;
        next = null;
        articles++;
        return p;
    }

    @Override
    public void close() throws IOException {
        try {
            xml.close();
        } catch (XMLStreamException e) {
            // the stream below is closed next
        }
        in.close();
    }

    /** The next article, or null at the end of the dump. */
    private Page readArticle() throws XMLStreamException {
        while (xml.hasNext()) {
            int e = xml.next();
            if (e == XMLStreamConstants.DTD) {
                throw new Refused("a document type declaration (<!DOCTYPE ...>): refused", xml.getLocation());
            }
            if (e != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            String name = xml.getLocalName();
            if (!sawRoot) {
                sawRoot = true;
                if (!"mediawiki".equals(name)) {
                    throw new Refused("the root element is <" + name + ">, not <mediawiki>", xml.getLocation());
                }
            } else if ("siteinfo".equals(name)) {
                readSiteinfo();
            } else if ("page".equals(name)) {
                Page p = readPage();
                if (p != null) {
                    return p;
                }
            } else {
                skip();
            }
        }
        return null;
    }

    /** The namespaces' names (for pages without {@code <ns>}): {@code <namespace key="1">Talk</namespace>}. */
    private void readSiteinfo() throws XMLStreamException {
        for (int level = 1; level > 0; ) {
            int e = xml.next();
            if (e == XMLStreamConstants.START_ELEMENT) {
                if ("namespace".equals(xml.getLocalName()) && namespaces.size() < MAX_NAMESPACES) {
                    String key = xml.getAttributeValue(null, "key");
                    String ns = text(MAX_TITLE_CHARS, "namespace name");
                    try {
                        if (key != null && !ns.isEmpty()) {
                            namespaces.put(ns.toLowerCase(Locale.ROOT), Integer.parseInt(key.strip()));
                        }
                    } catch (NumberFormatException ex) {
                        // not a number: not a namespace we can tell apart
                    }
                } else {
                    level++;
                }
            } else if (e == XMLStreamConstants.END_ELEMENT) {
                level--;
            }
        }
    }

    /** One {@code <page>}: the article it holds, or null when it is a redirect or outside the main namespace. */
    private Page readPage() throws XMLStreamException {
        String title = null;
        String ns = null;
        boolean redirect = false;
        String text = "";
        Location at = xml.getLocation();
        while (true) {
            int e = xml.next();
            if (e == XMLStreamConstants.END_ELEMENT) {
                break;
            }
            if (e != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            switch (xml.getLocalName()) {
                case "title" -> title = text(MAX_TITLE_CHARS, "title");
                case "ns" -> ns = text(MAX_SMALL_CHARS, "<ns>").strip();
                case "redirect" -> {
                    redirect = true;
                    skip();
                }
                case "revision" -> text = readRevision(title, text);
                default -> skip();
            }
        }
        pages++;
        if (title == null) {
            throw new Refused("a <page> without a <title>", at);
        }
        if (!isMainNamespace(ns, title)) {
            otherNamespaces++;
            return null;
        }
        if (redirect || REDIRECT.matcher(text).lookingAt()) {
            redirects++;
            return null;
        }
        return new Page(title, text);
    }

    private boolean isMainNamespace(String ns, String title) {
        if (ns != null) {
            return ns.equals("0");
        }
        int colon = title.indexOf(':');
        Integer key = colon > 0 ? namespaces.get(title.substring(0, colon).strip().toLowerCase(Locale.ROOT)) : null;
        return key == null || key == 0;
    }

    /** A {@code <revision>}: its {@code <text>}, or {@code text} (the previous revision's) when it has none. */
    private String readRevision(String title, String text) throws XMLStreamException {
        String t = text;
        while (true) {
            int e = xml.next();
            if (e == XMLStreamConstants.END_ELEMENT) {
                return t;
            }
            if (e == XMLStreamConstants.START_ELEMENT) {
                if ("text".equals(xml.getLocalName())) {
                    t = text(MAX_TEXT_CHARS, "the text of page \"" + (title == null ? "?" : title) + "\"");
                } else {
                    skip();
                }
            }
        }
    }

    /** The text of the current element (child elements' text included), at most {@code max} characters. */
    private String text(int max, String what) throws XMLStreamException {
        StringBuilder b = new StringBuilder();
        for (int level = 1; level > 0; ) {
            int e = xml.next();
            switch (e) {
                case XMLStreamConstants.START_ELEMENT -> level++;
                case XMLStreamConstants.END_ELEMENT -> level--;
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (b.length() + xml.getTextLength() > max) {
                        throw new Refused(what + " is longer than " + String.format("%,d", max)
                                + " characters: refused (not a MediaWiki export?)", xml.getLocation());
                    }
                    b.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
                }
                default -> {
                }
            }
        }
        return b.toString();
    }

    /** Pass over the current element and all it holds. */
    private void skip() throws XMLStreamException {
        for (int level = 1; level > 0; ) {
            int e = xml.next();
            if (e == XMLStreamConstants.START_ELEMENT) {
                level++;
            } else if (e == XMLStreamConstants.END_ELEMENT) {
                level--;
            }
        }
    }

    /** {@code line L, column C: why}, the position and reason of a parse or read error. */
    static String why(XMLStreamException e, IOException readFailure) {
        Location l = e.getLocation();
        String where = l == null || l.getLineNumber() < 0 ? "" : "line " + l.getLineNumber() + ", column "
                + l.getColumnNumber() + ": ";
        if (readFailure != null) { // the parser may have seen only an early end of its input
            return where + Inputs.reason(readFailure);
        }
        Throwable nested = e.getNestedException();
        if (nested == null) {
            nested = e.getCause();
        }
        if (nested instanceof IOException io) {
            return where + Inputs.reason(io);
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        int k = m.indexOf("Message: ");
        m = k >= 0 ? m.substring(k + "Message: ".length()) : m;
        if (m.isBlank() && nested != null) {
            m = Inputs.reason(nested);
        }
        if (m.startsWith("JAXP00010006: ")) { // maxElementDepth
            return where + "too deeply nested: " + m.substring("JAXP00010006: ".length()).strip();
        }
        return where + (e instanceof Refused ? "" : "malformed XML: ") + m.strip();
    }

    /**
     * Keeps the first read error of the input: the JDK's parser takes an {@link java.io.EOFException} (which a
     * truncated compressed file throws) for the end of the input and reports "Premature end of file" instead.
     */
    private static final class ReadErrors extends FailureFilterInputStream {
        IOException failure;

        ReadErrors(InputStream in) {
            super(in);
        }

        @Override
        protected IOException failed(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return new IOException(Inputs.reason(e), e); // not an EOFException, which the parser would swallow
        }
    }

    /** Input that is well-formed XML but not a dump we read. */
    private static final class Refused extends XMLStreamException {
        Refused(String why, Location at) {
            super(why, at);
        }
    }
}
