package llm.eval.memorize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import org.junit.jupiter.api.Test;

class DocumentReaderTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    @Test
    void aFileIsReadExactlyAndIllFormedUtf8IsReplacedWithAWarning() throws java.io.IOException {
        java.nio.file.Path f = tmp.resolve("f.txt");
        java.nio.file.Files.write(f, new byte[] {'a', 'b', (byte) 0xff, 'c', '\r', '\n'});
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = llm.io.Log.err();
        llm.io.Log.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        List<Document> d;
        try {
            d = all(DocumentSource.open(f.toString(), Split.NONE, null, null));
        } finally {
            llm.io.Log.setErr(was);
        }
        assertEquals(List.of(Document.whole(f.toString(), "ab\uFFFDc\r\n", 6)), d);
        assertEquals(6, d.get(0).bytes()); // the file's bytes, not the 8 of the text with its U+FFFD (score's bytes)
        assertEquals("llm: warning: " + f + ": 1 invalid UTF-8 sequence replaced with U+FFFD",
                log.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
    }

    static List<Document> all(DocumentReader r) {
        List<Document> out = new ArrayList<>();
        r.forEachRemaining(out::add);
        return out;
    }

    static BufferedReader in(String s) {
        return new BufferedReader(new StringReader(s));
    }

    @Test
    void wholeFile() {
        List<Document> d = all(DocumentReader.text(in("\n  a\r\n\nb \n"), "f.txt", Split.NONE));
        assertEquals(List.of(Document.of("f.txt", "\n  a\r\n\nb \n")), d, "an unsplit file is its text as it is");
        assertEquals(List.of(), all(DocumentReader.text(in(" \n\n"), "empty.txt", Split.NONE)));
        assertEquals(List.of(), all(DocumentReader.text(in(""), "empty.txt", Split.NONE)));
    }

    @Test
    void blankLineParagraphs() {
        List<Document> d = all(DocumentReader.text(in("\n\none\ntwo\n\n \n\nthree\n"), "s", Split.BLANK_LINE));
        assertEquals(List.of(Document.of("s:1", "one\ntwo"), Document.of("s:2", "three")), d);
    }

    @Test
    void lines() {
        List<Document> d = all(DocumentReader.text(in("a\n\n b\n"), "s", Split.LINE));
        assertEquals(List.of(Document.of("s:1", "a"), Document.of("s:3", "b")), d);
    }

    @Test
    void wikitextTopLevelHeadingsOnly() {
        String w = " = Zebra = \n Zebras are equids .\n = = Taxonomy = = \n The genus .\n = Du Fu = \n Du Fu was a poet .\n"
                + " = Empty = \n";
        List<Document> d = all(DocumentReader.text(in(w), "wiki", Split.WIKITEXT));
        assertEquals(3, d.size());
        assertEquals(Document.of("Zebra", " Zebras are equids .\n = = Taxonomy = = \n The genus ."), d.get(0));
        assertEquals(Document.of("Du Fu", " Du Fu was a poet ."), d.get(1));
        assertEquals(Document.of("Empty", ""), d.get(2));
    }

    @Test
    void wikitextTextBeforeFirstHeading() {
        List<Document> d = all(DocumentReader.text(in("intro\n = A = \nbody\n"), "w", Split.WIKITEXT));
        assertEquals(List.of(Document.of("w:preamble", "intro"), Document.of("A", "body")), d);
    }

    @Test
    void jsonLines() {
        String j = "{\"text\":\"hello\",\"id\":7}\n\n{\"id\":\"b\"}\n{\"text\":3}\n{\"text\":\"x\"}\n";
        List<Document> d = all(DocumentReader.jsonl(in(j), "d.jsonl", "text", "id"));
        assertEquals(4, d.size());
        assertEquals(Document.of("7", "hello"), d.get(0));
        assertEquals("b", d.get(1).id());
        assertEquals("no field 'text'", d.get(1).skipReason());
        assertEquals("field 'text' is not a string", d.get(2).skipReason());
        assertEquals(Document.of("d.jsonl:5", "x"), d.get(3)); // no id field: source:line
        assertNull(d.get(0).skipReason());
    }

    @Test
    void badJsonNamesFileAndLine() {
        DocumentReader r = DocumentReader.jsonl(in("{\"text\":\"a\"}\nnot json\n"), "d.jsonl", "text", null);
        r.next();
        UserException e = assertThrows(UserException.class, r::hasNext);
        assertEquals(1, e.exitCode());
        assertEquals(true, e.getMessage().startsWith("d.jsonl:2: not a JSON line"), e.getMessage());
        DocumentReader r2 = DocumentReader.jsonl(in("[1,2]\n"), "d.jsonl", "text", null);
        assertThrows(UserException.class, r2::hasNext);
    }

    @Test
    void streamsLazily() {
        DocumentReader r = DocumentReader.text(in("a\nb\n"), "s", Split.LINE);
        assertEquals("a", r.next().text());
        assertEquals("b", r.next().text());
        assertFalse(r.hasNext());
    }
}
