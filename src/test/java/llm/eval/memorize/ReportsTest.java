package llm.eval.memorize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import llm.eval.Memorization;
import org.junit.jupiter.api.Test;

class ReportsTest {
    static Result diverging() {
        return Result.tested(0, "Zebra", 0, 0, 3, "Zebras are", " several species\nof", " several kinds of",
                Memorization.compare(new int[] {1, 2, 9}, new int[] {1, 2, 3}), 0, 0);
    }

    @Test
    void reportMarksDivergenceAtTheSameColumn() {
        String rep = Reports.report(diverging(), false);
        String[] lines = rep.split("\n");
        assertTrue(lines[0].startsWith("Zebra  score 0.67 (2/3)  match 2 tokens, 9 chars"), lines[0]);
        assertEquals("  prefix  Zebras are", lines[1]);
        assertEquals("  model    several " + Reports.MARK + "kinds of", lines[2]);
        assertEquals("  text     several " + Reports.MARK + "species↵of", lines[3]);
        assertEquals(lines[2].indexOf(Reports.MARK), lines[3].indexOf(Reports.MARK));
        assertFalse(rep.contains("\u001b"), "no colour unless asked");
        assertTrue(Reports.report(diverging(), true).contains("\u001b[31m"));
    }

    @Test
    void reportExactAndSkipped() {
        Result r = Result.tested(0, "A", 1, 40, 2, "x", "same", "same",
                Memorization.compare(new int[] {1}, new int[] {1}), 0, 0);
        String rep = Reports.report(r, false);
        assertTrue(rep.startsWith("A @40  score 1.00 (1/1)  EXACT"), rep);
        assertTrue(rep.contains("  model = text  same\n"));
        assertEquals("B  skipped: 10 tokens, needs 64\n", Reports.report(Result.skipped(1, "B", "10 tokens, needs 64"),
                false));
    }

    @Test
    void jsonHasStableFields() {
        JsonObject o = JsonParser.parseString(Reports.jsonLine(diverging())).getAsJsonObject();
        assertEquals("Zebra", o.get("id").getAsString());
        assertEquals(false, o.get("exact").getAsBoolean());
        assertEquals(0.666667, o.get("score").getAsDouble(), 1e-9);
        assertEquals(2, o.get("match_tokens").getAsInt());
        assertEquals(9, o.get("match_chars").getAsInt());
        assertEquals(3, o.get("suffix_tokens").getAsInt());
        assertEquals("kinds of", o.get("strayed").getAsString());
        assertFalse(o.has("extraction_rate"));
        JsonObject s = JsonParser.parseString(Reports.jsonLine(Result.skipped(3, "q", "no field 'text'")))
                .getAsJsonObject();
        assertEquals("no field 'text'", s.get("skipped").getAsString());
    }

    @Test
    void tsvEscapesAndHasHeaderWidth() {
        String row = Reports.tsv(diverging());
        int cols = Reports.TSV_HEADER.split("\t", -1).length;
        assertEquals(cols, row.split("\t", -1).length);
        assertTrue(row.contains("species\\nof"));
        assertEquals(cols, Reports.tsv(Result.skipped(1, "a\tb", "short")).split("\t", -1).length);
    }

    @Test
    void summaryTextHasHistogram() {
        Summary s = new Summary(1.0);
        s.add(diverging());
        String t = Reports.summaryText(s.finish());
        assertTrue(t.startsWith("documents 1 (tested 1, skipped 0), windows 1"), t);
        assertTrue(t.contains("  0.6-0.7) ######################################## 1"), t);
    }
}
