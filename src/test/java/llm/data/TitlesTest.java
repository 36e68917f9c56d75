package llm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import llm.UserException;
import llm.eval.memorize.Document;
import llm.eval.memorize.DocumentReader;
import llm.eval.memorize.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TitlesTest {
    @TempDir
    Path tmp;

    @Test
    void aListOrAFileOfTitles() throws IOException {
        Titles t = Titles.parse("--titles", "Aardvark, Albert_Einstein,,");
        assertEquals(Set.of("Aardvark", "Albert Einstein"), t.titles());
        assertTrue(t.contains("Albert Einstein"));
        assertTrue(t.contains("Albert_Einstein"));
        assertFalse(t.contains("aardvark"), "MediaWiki titles are case-sensitive after the first letter");
        Path f = tmp.resolve("t.txt");
        Files.writeString(f, "\uFEFFWashington, D.C.\r\n\n  Zebra  \n");
        assertEquals(Set.of("Washington, D.C.", "Zebra"), Titles.parse("--titles", "@" + f).titles());
    }

    @Test
    void noTitleOrNoFileIsAUsageError() {
        UserException e = assertThrows(UserException.class, () -> Titles.parse("--titles", " , "));
        assertEquals(2, e.exitCode());
        assertEquals("--titles  , : no title given", e.getMessage());
        e = assertThrows(UserException.class, () -> Titles.parse("--titles", "@" + tmp.resolve("none")));
        assertEquals(2, e.exitCode());
        assertEquals("--titles @" + tmp.resolve("none") + ": no such file", e.getMessage());
    }

    @Test
    void aReaderGivesTheFirstOfEachAndStopsOnceItHasThemAll() throws IOException {
        String wt = " = A = \n a\n = B = \n b\n = A = \n again\n = C = \n c\n";
        List<String> lines = new ArrayList<>();
        BufferedReader in = new BufferedReader(new StringReader(wt)) {
            @Override
            public String readLine() throws IOException {
                String l = super.readLine();
                lines.add(l);
                return l;
            }
        };
        List<Document> got = new ArrayList<>();
        try (DocumentReader r = DocumentReader.text(in, "wt", Split.WIKITEXT)
                .selecting(Titles.parse("--titles", "B,A"))) {
            r.forEachRemaining(got::add);
        }
        assertEquals(List.of(Document.of("A", " a"), Document.of("B", " b")), got);
        assertEquals(5, lines.size(), "read up to the heading after B, not to the end: " + lines);
    }
}
