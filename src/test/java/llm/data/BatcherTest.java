package llm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import llm.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatcherTest {
    /** Source a holds ids 0..999, source b holds 10000..10499: a window's ids tell where it came from. */
    static List<Batcher.Source> sources(double wa, double wb) {
        return List.of(new Batcher.Source("a", Tokens.of(IntStream.range(0, 1000).toArray()), wa),
                new Batcher.Source("b", Tokens.of(IntStream.range(10000, 10500).toArray()), wb));
    }

    /** The id after {@code id} in its source of {@link #sources}, wrapping from the last to the first. */
    static int successor(int id) {
        return id == 999 ? 0 : id == 10499 ? 10000 : id + 1;
    }

    @Test
    void windowsAreContiguousAndDeterministic() {
        Batcher b1 = new Batcher(sources(1, 1), 16, 42);
        Batcher b2 = new Batcher(sources(1, 1), 16, 42);
        Batcher other = new Batcher(sources(1, 1), 16, 43);
        int[] x1 = b1.next(8);
        assertEquals(8 * 17, x1.length);
        assertArrayEquals(x1, b2.next(8));
        assertFalse(Arrays.equals(x1, other.next(8)));
        for (int r = 0; r < 8; r++) {
            for (int i = 1; i < 17; i++) { // consecutive ids of one source, read as a ring
                assertEquals(successor(x1[r * 17 + i - 1]), x1[r * 17 + i]);
            }
        }
    }

    @Test
    void eachPassSeesEveryWindowWeightTimes() {
        Batcher b = new Batcher(sources(3, 1), 10, 7);
        long perPass = b.windowsThisEpoch();
        int fromA = 0;
        int fromB = 0;
        int[] coverA = new int[1000]; // how often each id of a is an input
        int[] coverB = new int[500];
        java.util.Set<Integer> offsetsA = new java.util.HashSet<>();
        int[] w = new int[11];
        for (long i = 0; i < perPass; i++) {
            b.nextWindow(w, 0);
            if (w[0] < 10000) {
                fromA++;
                offsetsA.add(w[0] % 10);
                for (int j = 0; j < 10; j++) {
                    coverA[w[j]]++;
                }
            } else {
                fromB++;
                for (int j = 0; j < 10; j++) {
                    coverB[w[j] - 10000]++;
                }
            }
        }
        assertEquals(0, b.epoch());
        // a: 1,000 tokens → 100 windows of stride 10 per tiling, three tilings; b: 50 windows, one tiling
        assertEquals(300, fromA);
        assertEquals(50, fromB);
        // each tiling covers its source (a ring) once: every id is an input exactly weight times, the first ones too
        for (int p = 0; p < 1000; p++) {
            assertEquals(3, coverA[p], "id " + p + " of a");
        }
        for (int p = 0; p < 500; p++) {
            assertEquals(1, coverB[p], "id " + p + " of b");
        }
        assertTrue(offsetsA.size() > 1, "the three tilings of a are shifted against each other: " + offsetsA);
        b.nextWindow(w, 0);
        assertEquals(1, b.epoch());

        Batcher half = new Batcher(sources(0.5, 1), 10, 7);
        long n = half.windowsThisEpoch();
        assertTrue(n > 49 + 30 && n < 50 + 70, "≈ 50 + 0.5 × 100 windows, got " + n);
    }

    @Test
    void resumesExactlyAcrossPasses() {
        Batcher a = new Batcher(sources(2, 1), 32, 1234);
        long perPass = a.windowsThisEpoch();
        a.next((int) perPass - 5); // near the end of the first pass
        Batcher.State saved = a.state();
        String json = saved.toJson();
        assertTrue(json.contains("\"seq_len\":32"), json);
        int[] expected = a.next(50); // crosses into the second pass

        Batcher b = new Batcher(sources(2, 1), 32, 1234);
        b.restore(Batcher.State.fromJson(json));
        assertArrayEquals(expected, b.next(50));
        assertEquals(a.state(), b.state());
        assertEquals(1, b.epoch());
        assertEquals(perPass - 5 + 50, b.windowsServed());

        Batcher changed = new Batcher(List.of(sources(2, 1).get(0), new Batcher.Source("b",
                Tokens.of(IntStream.range(20000, 20500).toArray()), 1)), 32, 1234);
        UserException e = assertThrows(UserException.class, () -> changed.restore(saved));
        assertTrue(e.getMessage().contains("other training data"), e.getMessage());
        assertThrows(UserException.class, () -> new Batcher(sources(2, 1), 16, 1234).restore(saved));
        assertThrows(UserException.class, () -> new Batcher(sources(2, 1), 32, 99).restore(saved));
        assertThrows(UserException.class, () -> Batcher.State.fromJson("{\"version\": 7}"));
    }

    @Test
    void theTrainingLoopsViewResumesFromItsJsonState() {
        Batches a = new Batcher(sources(2, 0.5), 16, 3).batches(4);
        assertEquals(4, a.batchSize());
        assertEquals(16, a.seqLen());
        for (int i = 0; i < 40; i++) {
            a.next();
        }
        String state = a.state();
        Batches b = new Batcher(sources(2, 0.5), 16, 3).batches(4);
        b.restore(state);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(a.next(), b.next(), "batch " + (41 + i));
        }
        UserException e = assertThrows(UserException.class, () -> new Batcher(sources(2, 0.5), 16, 3).batches(4)
                .restore("12"));
        assertTrue(e.getMessage().startsWith("data position: "), e.getMessage());
        assertThrows(UserException.class, () -> new Batcher(sources(1, 1), 16, 3).batches(0));
    }

    @Test
    void inputsAndTargets() {
        int[] batch = {1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(new int[] {1, 2, 3, 5, 6, 7}, Batcher.inputs(batch, 3));
        assertArrayEquals(new int[] {2, 3, 4, 6, 7, 8}, Batcher.targets(batch, 3));
        assertThrows(IllegalArgumentException.class, () -> Batcher.inputs(batch, 4));
    }

    @Test
    void tooLittleData() {
        UserException e = assertThrows(UserException.class,
                () -> new Batcher(List.of(new Batcher.Source("s", Tokens.of(1, 2, 3), 1)), 3, 0));
        assertTrue(e.getMessage().contains("too few"), e.getMessage());
        // exactly T+1 tokens: one window per pass, from the pass's offset around the ring
        Batcher one = new Batcher(List.of(new Batcher.Source("s", Tokens.of(1, 2, 3, 4), 1)), 3, 0);
        assertEquals(1, one.windowsThisEpoch());
        int[] w = one.next(1);
        for (int i = 1; i < 4; i++) {
            assertEquals(w[i - 1] % 4 + 1, w[i], Arrays.toString(w));
        }
        // T = 3 over 5 tokens: one window per pass from offset 0, 1 or 2; from 2 it reads past the end: 3 4 5 | 1
        Batcher ring = new Batcher(List.of(new Batcher.Source("r", Tokens.of(1, 2, 3, 4, 5), 1)), 3, 0);
        java.util.Set<Integer> firsts = new java.util.HashSet<>();
        for (int k = 0; k < 40; k++) {
            int[] x = ring.next(1);
            firsts.add(x[0]);
            for (int i = 1; i < 4; i++) {
                assertEquals(x[i - 1] % 5 + 1, x[i], Arrays.toString(x));
            }
        }
        assertEquals(java.util.Set.of(1, 2, 3), firsts, "every offset, so some windows wrap");
    }

    @Test
    void shardBackedWindowsMatchMemory(@TempDir Path dir) throws Exception {
        int[] ids = IntStream.range(0, 5000).map(i -> (i * 7) % 60000).toArray();
        Path p = dir.resolve("s.bin");
        TokenShard.write(p, ids, TokenShard.VERSION_U16);
        try (ShardTokens s = ShardTokens.open(p)) {
            assertEquals(5000, s.size());
            assertEquals(2, s.width());
            assertEquals(ids[4321], s.get(4321));
            Batcher mem = new Batcher(List.of(new Batcher.Source("m", Tokens.of(ids), 1)), 64, 5);
            Batcher disk = new Batcher(List.of(new Batcher.Source("d", s, 1)), 64, 5);
            assertArrayEquals(mem.next(30), disk.next(30));
            Tokens cat = Tokens.concat(List.of(s.range(0, 100), Tokens.of(1, 2), s.range(100, 5000)));
            assertEquals(5002, cat.size());
            int[] got = cat.slice(95, 110);
            assertArrayEquals(new int[] {ids[95], ids[96], ids[97], ids[98], ids[99], 1, 2, ids[100], ids[101],
                ids[102], ids[103], ids[104], ids[105], ids[106], ids[107]}, got);
        }
    }

    @Test
    void evalWindowsAreFixedAndSpread() {
        Tokens t = Tokens.of(IntStream.range(0, 1001).toArray());
        EvalWindows all = new EvalWindows(t, 10, 1000);
        assertEquals(100, all.count());
        int[] w = all.batch(99, 4);
        assertArrayEquals(IntStream.rangeClosed(990, 1000).toArray(), w);
        EvalWindows few = new EvalWindows(t, 10, 4);
        assertEquals(4, few.count());
        int[] b = few.batch(0, 4);
        assertEquals(0, b[0]);
        assertEquals(250, b[11]);
        assertEquals(750, b[33]);
        assertArrayEquals(b, new EvalWindows(t, 10, 4).batch(0, 4));
        assertEquals(0, new EvalWindows(Tokens.of(1, 2), 10, 5).count());
    }
}
