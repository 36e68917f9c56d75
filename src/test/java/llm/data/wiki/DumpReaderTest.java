package llm.data.wiki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import llm.UserException;
import llm.io.Inputs;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The XML layer on hand-made dumps: which pages are articles, encodings, and hostile or broken input. */
class DumpReaderTest {
    @TempDir
    Path tmp;

    static final String HEAD = "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\" version=\"0.10\""
            + " xml:lang=\"en\">\n  <siteinfo>\n    <sitename>Wikipedia</sitename>\n    <namespaces>\n"
            + "      <namespace key=\"0\" case=\"first-letter\" />\n"
            + "      <namespace key=\"1\" case=\"first-letter\">Talk</namespace>\n"
            + "      <namespace key=\"10\" case=\"first-letter\">Template</namespace>\n"
            + "    </namespaces>\n  </siteinfo>\n";

    static String page(String title, String ns, String text) {
        return "  <page>\n    <title>" + title + "</title>\n" + (ns == null ? "" : "    <ns>" + ns + "</ns>\n")
                + "    <id>1</id>\n    <revision>\n      <id>2</id>\n      <contributor><username>X</username>"
                + "</contributor>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
                + "      <text xml:space=\"preserve\">" + text + "</text>\n    </revision>\n  </page>\n";
    }

    static String dump(String... pages) {
        return HEAD + String.join("", pages) + "</mediawiki>\n";
    }

    static List<Page> pages(byte[] xml) {
        List<Page> out = new ArrayList<>();
        try (DumpReader r = DumpReader.open(new BufferedInputStream(new ByteArrayInputStream(xml)), "d.xml")) {
            r.forEachRemaining(out::add);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    static List<Page> pages(String xml) {
        return pages(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** The pages read before the error, and the error's message. */
    record Failure(List<Page> before, String error) {}

    static Failure failure(InputStream in, String name) {
        List<Page> out = new ArrayList<>();
        UserException e = assertThrows(UserException.class, () -> {
            try (DumpReader r = DumpReader.open(new BufferedInputStream(in, 1 << 16), name)) {
                while (r.hasNext()) {
                    out.add(r.next());
                }
            }
        });
        assertEquals(1, e.exitCode());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return new Failure(out, e.getMessage());
    }

    static Failure failure(String xml) {
        return failure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "d.xml");
    }

    @Test
    void articlesAreMainNamespacePagesThatAreNotRedirects() {
        String redirectElement = "  <page>\n    <title>AccessibleComputing</title>\n    <ns>0</ns>\n"
                + "    <redirect title=\"Computer accessibility\" />\n    <revision><text>#REDIRECT [[Computer "
                + "accessibility]]</text></revision>\n  </page>\n";
        List<Page> got = pages(dump(
                page("Aardvark", "0", "The '''aardvark''' is a mammal."),
                redirectElement,
                page("Aardvarks", "0", "#REDIRECT [[Aardvark]]"),
                page("Ant bear", "0", "  #redirect[[Aardvark]]"),
                page("Redirection", "0", "#Redirection [[Aardvark]]"),
                page("土豚", "0", "#重定向 [[Aardvark]]"),
                page("Erdferkel", "0", "#WEITERLEITUNG [[Aardvark]]"),
                page("Talk:Aardvark", "1", "Is it a pig?"),
                page("Template:Cite", "10", "{{{1}}}"),
                page("Talk:Old export", null, "no ns element, a Talk: prefix"),
                page("Zebra", null, "no ns element, no prefix"),
                page("Numbered list", "0", "# one\n# two"),
                page("Empty", "0", "")));
        assertEquals(List.of(new Page("Aardvark", "The '''aardvark''' is a mammal."),
                new Page("Zebra", "no ns element, no prefix"), new Page("Numbered list", "# one\n# two"),
                new Page("Empty", "")), got);
    }

    @Test
    void counts() throws IOException {
        String xml = dump(page("A", "0", "a"), page("B", "0", "#REDIRECT [[A]]"), page("Talk:A", "1", "t"));
        try (DumpReader r = DumpReader.open(new BufferedInputStream(new ByteArrayInputStream(
                xml.getBytes(StandardCharsets.UTF_8))), "d.xml")) {
            r.forEachRemaining(p -> { });
            assertEquals(new DumpReader.Counts(3, 1, 1, 1), r.counts()); // pages, redirects, other namespaces, articles
        }
    }

    @Test
    void theLastRevisionOfAPageIsItsText() {
        String twoRevisions = "  <page>\n    <title>A</title>\n    <ns>0</ns>\n"
                + "    <revision><text>old</text></revision>\n    <revision><text>new</text></revision>\n  </page>\n";
        assertEquals(List.of(new Page("A", "new")), pages(dump(twoRevisions)));
    }

    @Test
    void entitiesAndCdataAreDecodedByTheXmlLayer() {
        assertEquals(List.of(new Page("AT&T", "a &lt;b&gt; &amp;nbsp; 中 \"q\" <![CDATA[raw]]>")),
                pages(dump(page("AT&amp;T", "0", "a &amp;lt;b&amp;gt; &amp;amp;nbsp; &#x4E2D; &quot;q&quot;"
                        + " <![CDATA[<![CDATA[raw]]]]><![CDATA[>]]>"))));
    }

    static final String CHINESE = dump(page("长颈鹿", "0", "长颈鹿是一种生活在非洲的哺乳动物。它们的脖子很长！"));

    /**
     * A byte that is not UTF-8 ends the read with one line naming its offset, and nothing else on stderr: the JDK's
     * parser, decoding bytes itself, printed "[Fatal Error] :-1:-1: Invalid byte 1 of 1-byte UTF-8 sequence." there
     * first (found by fuzzing).
     */
    @Test
    void aByteThatIsNotUtf8IsOneLineAndNothingOnStderr() {
        byte[] good = dump(page("A", "0", "Fine.")).getBytes(StandardCharsets.UTF_8);
        String text = dump(page("A", "0", "Fine."), page("B", "0", "Bad \u0001 byte."));
        byte[] xml = text.getBytes(StandardCharsets.UTF_8);
        int at = text.indexOf('\u0001');
        xml[at] = (byte) 0xFF;
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        Failure f;
        try {
            f = failure(new ByteArrayInputStream(xml), "d.xml");
        } finally {
            System.setErr(saved);
        }
        assertEquals("d.xml: not UTF-8 text (byte " + at + ")", f.error());
        assertEquals(pages(good), f.before());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void chineseAndEveryEncodingTheXmlDeclares() throws IOException {
        List<Page> want = List.of(new Page("长颈鹿", "长颈鹿是一种生活在非洲的哺乳动物。它们的脖子很长！"));
        assertEquals(want, pages(CHINESE));
        byte[] utf8Bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + CHINESE).getBytes(StandardCharsets.UTF_8));
        assertEquals(want, pages(utf8Bom));
        for (Charset cs : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            byte[] bom = cs == StandardCharsets.UTF_16LE ? new byte[] {(byte) 0xFF, (byte) 0xFE}
                    : new byte[] {(byte) 0xFE, (byte) 0xFF};
            byte[] utf16 = concat(bom, ("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + CHINESE).getBytes(cs));
            assertTrue(DumpFormat.isDump(new BufferedInputStream(new ByteArrayInputStream(utf16))), cs.name());
            assertEquals(want, pages(utf16), cs.name());
        }
    }

    @Test
    void aDumpIsToldByItsRootElement() throws IOException {
        for (String yes : List.of(CHINESE, "<?xml version=\"1.0\"?>\n<!-- a comment -->\n<mediawiki>",
                "\n  <mediawiki\n xmlns=\"x\">", "<?xml version=\"1.0\"?><?pi x?><mediawiki/>",
                "<!DOCTYPE mediawiki [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><mediawiki>&x;</mediawiki>",
                "<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<mediawiki>&x;</mediawiki>",
                "<!DOCTYPE m SYSTEM 'a>b' [<!ENTITY y \"]>\"><!ENTITY z '>'>] >  <mediawiki/>")) {
            assertTrue(DumpFormat.isDump(new BufferedInputStream(new ByteArrayInputStream(
                    yes.getBytes(StandardCharsets.UTF_8)))), yes);
        }
        for (String no : List.of("<mediawikis>", "<html><mediawiki>", "text <mediawiki>", "{\"text\": 1}", "",
                "<?xml version=\"1.0\"?><!DOCTYPE html><html/>", "<!-- <mediawiki>", "<mediawiki",
                "<!DOCTYPE html [<!ENTITY x \"<mediawiki>\">]><html>", "<!DOCTYPE m [ <mediawiki>")) {
            assertFalse(DumpFormat.isDump(new BufferedInputStream(new ByteArrayInputStream(
                    no.getBytes(StandardCharsets.UTF_8)))), no);
        }
    }

    @Test
    void plainTextFromAPipeIsToldByItsFirstBytesWithoutWaitingForMore() throws IOException {
        BufferedInputStream in = new BufferedInputStream(new llm.io.Trickle(false, "  Once upon a time\n".getBytes(
                StandardCharsets.UTF_8)));
        assertFalse(DumpFormat.isDump(in)); // (reading on would throw)
        assertEquals("  Once upon a time", new String(in.readNBytes(18), StandardCharsets.UTF_8)); // left unread
        // XML arriving a byte at a time is read on until the root element is seen (here: to the end)
        byte[] xml = "<?xml version=\"1.0\"?>\n<mediawiki>".getBytes(StandardCharsets.UTF_8);
        byte[][] bytes = new byte[xml.length][];
        for (int i = 0; i < xml.length; i++) {
            bytes[i] = new byte[] {xml[i]};
        }
        assertTrue(DumpFormat.isDump(new BufferedInputStream(new llm.io.Trickle(true, bytes))));
        // a first byte that may begin a BOM or UTF-16 is not enough to tell
        for (byte[] start : new byte[][] {{(byte) 0xEF}, {(byte) 0xFF}, {0}, {'<'}, {' ', '\n'}}) {
            assertFalse(DumpFormat.notXml(start, start.length), Arrays.toString(start));
        }
    }

    @Test
    void aDocumentTypeDeclarationIsRefusedBeforeAnythingIsRead() {
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [\n  <!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n"
                + dump(page("Leak", "0", "&x;"));
        Failure f = failure(xxe);
        assertEquals(List.of(), f.before());
        assertEquals("d.xml: line 2, column 1: a document type declaration (<!DOCTYPE ...>): refused (a MediaWiki"
                + " dump has none, and one can read local files or expand entities without bound)", f.error());
        assertFalse(f.error().contains("root:"), "no file content");
        StringBuilder laughs = new StringBuilder("<!DOCTYPE mediawiki [\n <!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            laughs.append(" <!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";")
                    .repeat(10)).append("\">\n");
        }
        laughs.append("]>\n").append(dump(page("Laughs", "0", "&lol9;")));
        f = failure(laughs.toString());
        assertEquals(List.of(), f.before());
        assertEquals("d.xml: line 1, column 1: a document type declaration (<!DOCTYPE ...>): refused (a MediaWiki"
                + " dump has none, and one can read local files or expand entities without bound)", f.error());
        f = failure(laughs.toString().replace("<!DOCTYPE mediawiki", "<!DOCTYPE lolz")); // named otherwise
        assertEquals(List.of(), f.before());
        assertEquals("d.xml: line 1, column 1: a document type declaration (<!DOCTYPE ...>): refused (a MediaWiki"
                + " dump has none, and one can read local files or expand entities without bound)", f.error());
    }

    @Test
    void anUndeclaredEntityIsMalformedXml() {
        Failure f = failure(dump(page("A", "0", "ok"), page("B", "0", "&x;")));
        assertEquals(List.of(new Page("A", "ok")), f.before());
        assertEquals("d.xml: line 31, column 37: malformed XML: The entity \"x\" was referenced, but not declared.",
                f.error());
    }

    @Test
    void malformedXmlEndsAfterTheCompletePagesWithItsPosition() {
        String bad = dump(page("A", "0", "first"), page("B", "0", "second"))
                .replace("</mediawiki>", "  <page>\n    <title>C</title>\n  </pag>\n</mediawiki>");
        Failure f = failure(bad);
        assertEquals(List.of(new Page("A", "first"), new Page("B", "second")), f.before());
        assertEquals("d.xml: line 36, column 5: malformed XML: The element type \"page\" must be terminated by the"
                + " matching end-tag \"</page>\".", f.error());
        f = failure(dump(page("A", "0", "first")).replace("</mediawiki>\n", "  <page>\n    <title>cut"));
        assertEquals(List.of(new Page("A", "first")), f.before());
        assertEquals("d.xml: line 23, column 15: malformed XML: XML document structures must start and end within the"
                + " same entity.", f.error());
        f = failure("<mediawiki>\n<page><ns>0</ns><revision><text>no title</text></revision></page>\n</mediawiki>");
        assertEquals("d.xml: line 2, column 7: a <page> without a <title>", f.error());
    }

    /** An endless {@code aaaa…} inside a page's text: read until the cap, never held whole. */
    static InputStream endlessText(String title) {
        byte[] head = (HEAD + "  <page>\n    <title>" + title + "</title>\n    <ns>0</ns>\n    <revision>\n"
                + "      <text xml:space=\"preserve\">").getBytes(StandardCharsets.UTF_8);
        InputStream endless = new InputStream() {
            private long left = 1L << 34; // 16 GiB, never reached

            @Override
            public int read() {
                return left-- > 0 ? 'a' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'a');
                left -= len;
                return len;
            }
        };
        return new SequenceInputStream(new ByteArrayInputStream(head), endless);
    }

    @Test
    void aHugeTextNodeIsAnErrorAtTheCapNotOutOfMemory() {
        Failure f = failure(endlessText("Big"), "huge.xml");
        assertEquals(List.of(), f.before());
        assertTrue(f.error().startsWith("huge.xml: line 14, column "), f.error());
        assertTrue(f.error().endsWith(": the text of page \"Big\" is longer than 8,388,608 characters: refused (not a"
                + " MediaWiki export?)"), f.error());
    }

    @Test
    void deepNestingIsRefusedAtItsLimit() {
        String deep = HEAD + "  <page>\n    <title>Deep</title>\n    <ns>0</ns>\n    <revision><text>"
                + "<x>".repeat(100_000) + "</x>".repeat(100_000) + "</text></revision></page></mediawiki>";
        Failure f = failure(deep);
        assertEquals(List.of(), f.before());
        assertEquals("d.xml: line 13, column 203: too deeply nested: The element \"x\" has a depth of \"65\" that"
                + " exceeds the limit \"64\" set by \"maxElementDepth\".", f.error());
    }

    @Test
    void deeplyNestedWikitextIsTheCleanersAndNeverOverflowsTheStack() {
        String text = "{{a|".repeat(100_000) + "}}".repeat(100_000) + "[[b|".repeat(100_000)
                + "]]".repeat(100_000) + " Tail.";
        byte[] xml = dump(page("Nested", "0", text)).getBytes(StandardCharsets.UTF_8);
        try (Articles a = Articles.open(new BufferedInputStream(new ByteArrayInputStream(xml)), "d.xml")) {
            assertTrue(a.hasNext());
            Article got = a.next();
            assertEquals("Nested", got.title());
            // links do not nest in MediaWiki: the outer brackets are shown as text, as it renders them
            assertFalse(got.text().contains("{{"), got.text().substring(0, 100));
            assertTrue(got.text().endsWith("Tail."), got.text().substring(got.text().length() - 100));
            assertFalse(a.hasNext());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aTruncatedBzip2EndsAfterTheCompleteArticlesWithTheFileAndPosition() throws IOException {
        List<String> pages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pages.add(page("Page " + i, "0", ("Sentence " + i + " of a page that is long enough. ").repeat(300)));
        }
        byte[] xml = dump(pages.toArray(new String[0])).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream out = new BZip2CompressorOutputStream(z, 1)) {
            out.write(xml);
        }
        byte[] bz = z.toByteArray();
        Path cut = tmp.resolve("cut.xml.bz2");
        Files.write(cut, Arrays.copyOf(bz, bz.length / 2));
        Failure f = failure(Inputs.open(cut.toString()), cut.toString());
        assertTrue(f.before().size() >= 5 && f.before().size() < 40, "complete pages first: " + f.before().size());
        for (int i = 0; i < f.before().size(); i++) {
            assertEquals("Page " + i, f.before().get(i).title());
        }
        assertTrue(f.error().matches("\\Q" + cut + "\\E: line \\d+, column \\d+: unexpected end of compressed data"
                + " \\(truncated file\\?\\)"), f.error());
    }

    @Test
    void theRootMustBeMediawiki() {
        // DumpFormat tells dumps by their root; a reader given other XML says so
        Failure f = failure("<html><page/></html>");
        assertEquals("d.xml: line 1, column 7: the root element is <html>, not <mediawiki>", f.error());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
