package llm.eval.memorize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import llm.eval.Memorization;
import org.junit.jupiter.api.Test;

class SummaryTest {
    static Result r(long doc, int window, int[] gen, int[] target) {
        return Result.tested(doc, "d" + doc, window, 0, 4, "p", "t", "c", Memorization.compare(gen, target), 0, 0);
    }

    @Test
    void countsDocumentsWindowsAndHistogram() {
        int[] t = {1, 2, 3, 4};
        Summary s = new Summary(1.0);
        s.add(r(0, 0, t, t)); // exact
        s.add(r(0, 1, new int[] {0, 0, 0, 0}, t)); // 0.0, same document
        s.add(Result.skipped(1, "d1", "too short"));
        s.add(r(2, 0, new int[] {1, 2, 0, 0}, t)); // 0.5
        s.finish();
        assertEquals(3, s.documents());
        assertEquals(2, s.tested());
        assertEquals(1, s.skipped());
        assertEquals(3, s.windows());
        assertEquals(1, s.exact());
        assertEquals(1, s.memorized());
        assertEquals(0.5, s.fractionMemorized(), 1e-12);
        assertEquals(1.5 / 3, s.meanScore(), 1e-12);
        assertEquals(2.0, s.meanMatchTokens(), 1e-12);
        long[] h = new long[10];
        h[0] = 1;
        h[5] = 1;
        h[9] = 1;
        assertArrayEquals(h, s.histogram());
        assertTrue(s.toJson().get("mean_extraction_rate").isJsonNull());
        assertEquals(0.5, s.toJson().get("fraction_memorized").getAsDouble());
    }

    /** Parts of a run (each document in one part, numbered from 0 in each) merge into the whole run's summary. */
    @Test
    void partsMergeIntoTheWhole() {
        int[] t = {1, 2, 3, 4};
        Result[] all = {r(0, 0, t, t), r(0, 1, new int[] {0, 0, 0, 0}, t), Result.skipped(1, "d1", "too short"),
            r(2, 0, new int[] {1, 2, 0, 0}, t), r(3, 0, new int[] {1, 0, 0, 0}, t), r(3, 1, t, t)};
        Summary whole = new Summary(1.0);
        for (Result x : all) {
            whole.add(x);
        }
        whole.finish();
        Summary a = new Summary(1.0);
        a.add(all[0]);
        a.add(all[1]);
        a.add(all[2]);
        Summary b = new Summary(1.0); // documents 2 and 3 as a second part numbers them
        b.add(r(0, 0, new int[] {1, 2, 0, 0}, t));
        b.add(r(1, 0, new int[] {1, 0, 0, 0}, t));
        b.add(r(1, 1, t, t));
        Summary merged = a.merge(b);
        assertEquals(whole.toJson(), merged.toJson());
        assertEquals(2, merged.memorized());
        assertEquals(4, merged.documents());
    }

    @Test
    void memorizedAtThreshold() {
        int[] t = {1, 2, 3, 4};
        Summary s = new Summary(0.75);
        s.add(r(0, 0, new int[] {1, 2, 3, 0}, t));
        s.add(r(1, 0, new int[] {1, 2, 0, 0}, t));
        s.finish();
        assertEquals(1, s.memorized());
    }

    @Test
    void bins() {
        assertEquals(0, Summary.bin(0.0));
        assertEquals(3, Summary.bin(0.3)); // 0.3*10 is 2.9999...: still bin 3
        assertEquals(9, Summary.bin(0.95));
        assertEquals(9, Summary.bin(1.0));
    }

    @Test
    void emptyRun() {
        Summary s = new Summary(1.0).finish();
        assertEquals(0, s.documents());
        assertTrue(Double.isNaN(s.fractionMemorized()));
        assertTrue(s.toJson().get("mean_score").isJsonNull());
    }
}
