package llm.eval.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import llm.UserException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleReaderTest {
    static List<Example> read(String text, String name, String columns) {
        return ExampleReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), name, columns);
    }

    @Test
    void tsvWithAndWithoutHeader() {
        List<Example> want = List.of(new Example("cat", "chat"), new Example("sea otter", "loutre de mer"));
        assertEquals(want, read("cat\tchat\nsea otter\tloutre de mer\n", "a.tsv", null));
        assertEquals(want, read("input\toutput\r\ncat\tchat\r\n\r\nsea otter\tloutre de mer", "a.tsv", null));
        assertEquals(want, read("id\tOutput\tInput\n1\tchat\tcat\n2\tloutre de mer\tsea otter\n", "a.tsv", null));
    }

    @Test
    void tsvColumnsByNameOrNumber() {
        String text = "index\tenglish\tfrench\n0\tI\tje\n1\twe\tnous\n";
        assertEquals(List.of(new Example("I", "je"), new Example("we", "nous")), read(text, "s.tsv", "english,french"));
        assertEquals(List.of(new Example("je", "I"), new Example("nous", "we")), read(text, "s.tsv", "french,english"));
        // numbers select the same rows as names: the header sits over a column of numbers (index), so it is one
        assertEquals(read(text, "s.tsv", "english,french"), read(text, "s.tsv", "2,3"));
        assertEquals(List.of(new Example("0", "I"), new Example("1", "we")), read(text, "s.tsv", "1,2"));
        // without --columns, a header that names other columns than input/output is not guessed at
        UserException which = assertThrows(UserException.class, () -> read(text, "s.tsv", null));
        assertEquals(llm.UserException.USAGE, which.exitCode());
        assertTrue(which.getMessage().startsWith("s.tsv: its first line is a header without 'input' and 'output' "
                + "columns (index, english, french): pick two with --columns, e.g. --columns english,french"),
                which.getMessage());
        // no column of numbers under a word: the first line is data, with names or numbers alike
        assertEquals(List.of(new Example("cat", "chat"), new Example("dog", "chien")),
                read("cat\tchat\ndog\tchien\n", "w.tsv", "1,2"));
        assertEquals(List.of(new Example("one", "1"), new Example("two", "2")),
                read("one\t1\ntwo\t2\n", "n.tsv", null));
        assertEquals(List.of(new Example("a", ""), new Example("b", "3")), read("a\t\nb\t3\n", "e.tsv", null),
                "an empty field over numbers is data");
        UserException e = assertThrows(UserException.class, () -> read(text, "s.tsv", "english,korean"));
        assertTrue(e.getMessage().contains("no column named 'korean'"), e.getMessage());
        assertThrows(UserException.class, () -> read(text, "s.tsv", "english"));
        assertThrows(UserException.class, () -> read(text, "s.tsv", "0,1"));
        UserException short_ = assertThrows(UserException.class, () -> read("a\tb\tc\nd\te\n", "s.tsv", "1,3"));
        assertEquals("s.tsv:2: expected at least 3 tab-separated fields, found 2", short_.getMessage());
    }

    @Test
    void jsonLines() {
        String text = "{\"input\": \"cat\", \"output\": \"chat\"}\n\n{\"output\": \"chien\", \"input\": \"dog\", \"x\": 1}\n";
        assertEquals(List.of(new Example("cat", "chat"), new Example("dog", "chien")), read(text, "pairs.txt", null));
        UserException e = assertThrows(UserException.class, () -> read("{\"input\": \"cat\"}\n", "p.jsonl", null));
        assertEquals("p.jsonl:1: missing string field \"output\"", e.getMessage());
        assertEquals(List.of(new Example("2+2", "4")), read("{\"input\": \"2+2\", \"output\": 4}\n", "n.jsonl", null),
                "a number is taken as written");
        e = assertThrows(UserException.class, () -> read("{\"input\": [\"a\"], \"output\": \"b\"}\n", "a.jsonl", null));
        assertEquals("a.jsonl:1: field \"input\" is not a string but [\"a\"]", e.getMessage());
        assertThrows(UserException.class, () -> read("{\"input\": \"cat\", \"output\": \"chat\"}\n{oops\n", "p.jsonl", null));
        assertThrows(UserException.class, () -> read(text, "p.jsonl", "1,2"));
        assertThrows(UserException.class, () -> read("\n\n", "empty.tsv", null));
    }

    @Test
    void compressedFilesAreReadByContent(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(bytes)) {
            bz.write("cat\tchat\n".getBytes(StandardCharsets.UTF_8));
        }
        Path f = dir.resolve("pairs.tsv.bz2");
        Files.write(f, bytes.toByteArray());
        assertEquals(List.of(new Example("cat", "chat")), ExampleReader.read(f.toString(), null));
        UserException e = assertThrows(UserException.class, () -> ExampleReader.read(dir.resolve("nope.tsv").toString(), null));
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }

    @Test
    void swadeshList() {
        Path f = Path.of(System.getProperty("llm.shared", "../shared"), "eval", "swadesh_en_fr_es_de_it.tsv");
        assumeTrue(Files.isRegularFile(f), "../shared not present");
        List<Example> en_fr = ExampleReader.read(f.toString(), "english,french");
        assertEquals(207, en_fr.size());
        assertEquals(new Example("I", "je"), en_fr.get(0));
        assertEquals(new Example("we", "wir"), ExampleReader.read(f.toString(), "english,german").get(3));
        assertEquals(en_fr, ExampleReader.read(f.toString(), "2,3"), "numbered columns skip the header too");
    }
}
