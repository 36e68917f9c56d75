package llm.eval.memorize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AuditorTest {
    static final String MEMORIZED = "the quick brown fox jumps over the lazy dog. a stitch in time saves nine.";

    /**
     * A fake model that has memorized {@link #MEMORIZED}: it continues a prompt whose last 6 characters occur there
     * with the next character, and says 'x' otherwise. Counts batches and rows.
     */
    static final class FakeModel implements Continuer {
        int calls;
        int rows;
        int maxRows;

        @Override
        public int[][] continueBatch(int[][] prompts, int steps, Picker picker) {
            calls++;
            rows += prompts.length;
            maxRows = Math.max(maxRows, prompts.length);
            int len = prompts[0].length;
            int[][] out = new int[prompts.length][steps];
            for (int b = 0; b < prompts.length; b++) {
                assertEquals(len, prompts[b].length, "one batch holds prompts of one length");
                StringBuilder s = new StringBuilder();
                for (int id : prompts[b]) {
                    if (id != 0) {
                        s.append((char) id);
                    }
                }
                for (int t = 0; t < steps; t++) {
                    float[] logits = new float[128];
                    String key = s.length() < 6 ? s.toString() : s.substring(s.length() - 6);
                    int at = MEMORIZED.indexOf(key);
                    int next = at >= 0 && at + key.length() < MEMORIZED.length() ? MEMORIZED.charAt(at + key.length())
                            : 'x';
                    logits[next] = 5f;
                    logits['y'] = 4f; // the runner-up, for sampling
                    int c = picker.pick(b, logits);
                    out[b][t] = c;
                    s.append((char) c);
                }
            }
            return out;
        }

        @Override
        public int maxLength() {
            return 1024;
        }
    }

    static List<Result> run(FakeModel m, Auditor.Options o, List<Document> docs) {
        List<Result> out = new ArrayList<>();
        Random rng = new Random(1);
        Auditor a = new Auditor(new CharTokenizer(), m, o,
                keys -> (row, logits) -> rng.nextDouble() < 0.5 ? llm.generate.Sampler.argmax(logits) : 'y', out::add);
        docs.forEach(a::accept);
        a.flush();
        return out;
    }

    /** Samples drawn as a seeded sampler draws them: each row from a generator seeded by its key. */
    static Auditor.SamplePickers keyed() {
        return keys -> {
            java.util.SplittableRandom[] r = new java.util.SplittableRandom[keys.length];
            for (int i = 0; i < keys.length; i++) {
                r[i] = new java.util.SplittableRandom(keys[i]);
            }
            return (row, logits) -> r[row].nextDouble() < 0.7 ? llm.generate.Sampler.argmax(logits) : 'y';
        };
    }

    /** Exact samples per "id/window" of an audit of these documents with 8 samples per window. */
    static java.util.Map<String, Integer> exactSamples(List<Document> docs, int batch) {
        java.util.Map<String, Integer> exact = new java.util.TreeMap<>();
        Auditor a = new Auditor(new CharTokenizer(), new FakeModel(), new Auditor.Options(10, false, 4, 2, batch, 8, 0),
                keyed(), r -> {
                    if (r.skipped() == null) {
                        exact.put(r.id() + "/" + r.window(), r.exactSamples());
                    }
                });
        docs.forEach(a::accept);
        a.flush();
        return exact;
    }

    @Test
    void aWindowsSamplesDependOnItsPromptAloneNotOnBatchesOrOtherDocuments() {
        List<Document> docs = List.of(Document.of("fox", "the quick brown fox jumps over the lazy dog."),
                Document.of("stitch", "a stitch in time saves nine. the quick"),
                Document.of("dog", "brown fox jumps over the lazy dog. a stitch in"));
        java.util.Map<String, Integer> base = exactSamples(docs, 16);
        assertEquals(6, base.size(), base.toString());
        assertTrue(new java.util.HashSet<>(base.values()).size() > 1, "the samples vary: " + base);
        for (int batch : new int[] {1, 3, 5}) {
            assertEquals(base, exactSamples(docs, batch), "--batch-size " + batch);
        }
        List<Document> more = new ArrayList<>(docs);
        more.add(0, Document.of("first", "jumps over the lazy dog. a stitch in time"));
        java.util.Map<String, Integer> withFirst = exactSamples(more, 16);
        withFirst.keySet().removeIf(k -> k.startsWith("first/"));
        assertEquals(base, withFirst, "a document before them");
    }

    @Test
    void sampleKeysTellPromptsAndSamplesApart() {
        int[] p = {1, 2, 3};
        assertEquals(Auditor.sampleKey(p, 0), Auditor.sampleKey(new int[] {1, 2, 3}, 0));
        java.util.Set<Long> keys = new java.util.HashSet<>();
        for (int[] q : new int[][] {p, {1, 2, 4}, {3, 2, 1}, {1, 2, 3, 0}, {0, 1, 2, 3}, {}, {0}}) {
            for (int k = 0; k < 4; k++) {
                keys.add(Auditor.sampleKey(q, k));
            }
        }
        assertEquals(28, keys.size());
    }

    static Auditor.Options opts(int p, int s, int windows, int batch) {
        return new Auditor.Options(p, false, s, windows, batch, 0, 0);
    }

    @Test
    void memorizedHeldOutAndShortDocuments() {
        FakeModel m = new FakeModel();
        List<Result> rs = run(m, opts(10, 8, 1, 16), List.of(
                Document.of("fox", "the quick brown fox jumps over"),
                Document.of("other", "completely different text here!"),
                Document.of("short", "too short"),
                Document.skipped("bad", "no field 'text'")));
        assertEquals(4, rs.size());
        Result fox = rs.get(0);
        assertTrue(fox.match().exact(), fox.toString());
        assertEquals("the quick ", fox.prefix());
        assertEquals("brown fo", fox.target());
        assertEquals("brown fo", fox.continuation());
        assertEquals(10, fox.prefixTokens());
        Result other = rs.get(1);
        assertEquals(0.0, other.match().score());
        assertEquals("xxxxxxxx", other.continuation());
        assertEquals("9 tokens, fewer than 18 (prefix 10 + suffix 8)", rs.get(2).skipped());
        assertEquals("no field 'text'", rs.get(3).skipped());
        assertEquals(1, m.calls, "both testable documents in one batch");
        assertEquals(List.of(0L, 1L, 2L, 3L), rs.stream().map(Result::doc).toList());
    }

    @Test
    void partialMemorizationDivergesWhereTheTextDoes() {
        // memorized up to "over the ", then the document says "busy cat", the model "lazy dog"
        List<Result> rs = run(new FakeModel(), opts(21, 12, 1, 4),
                List.of(Document.of("d", "quick brown fox jumps over the busy cat")));
        Result r = rs.get(0);
        assertEquals(" over the bu", r.target());
        assertEquals(" over the la", r.continuation());
        assertEquals("la", r.alignment().strayed());
        assertEquals(10, r.match().matchTokens());
        assertEquals(10, r.alignment().matchChars());
        assertFalse(r.match().exact());
    }

    @Test
    void windowsAndBatchingKeepInputOrder() {
        FakeModel m = new FakeModel();
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            docs.add(Document.of("d" + i, MEMORIZED));
        }
        List<Result> rs = run(m, opts(8, 8, 3, 4), docs);
        assertEquals(21, rs.size());
        for (int i = 0; i < rs.size(); i++) {
            assertEquals(i / 3, rs.get(i).doc());
            assertEquals(i % 3, rs.get(i).window());
            assertTrue(rs.get(i).match().exact(), rs.get(i).toString());
        }
        assertEquals(List.of(0, 29, 57), rs.subList(0, 3).stream().map(Result::offset).toList());
        assertTrue(m.maxRows <= 4, "batches never exceed --batch-size");
        assertEquals(21, m.rows);
    }

    @Test
    void prefixSentence() {
        List<Result> rs = run(new FakeModel(), new Auditor.Options(0, true, 6, 1, 8, 0, 0),
                List.of(Document.of("s", "a stitch in time saves nine. and more text follows"),
                        Document.of("none", "no sentence end here at all")));
        assertEquals("a stitch in time saves nine.", rs.get(0).prefix());
        assertEquals(" and m", rs.get(0).target());
        assertEquals("no sentence end found for --prefix-sentence", rs.get(1).skipped());
    }

    @Test
    void samplesCountExactContinuations() {
        FakeModel m = new FakeModel();
        List<Result> rs = run(m, new Auditor.Options(10, false, 2, 1, 8, 40, 0),
                List.of(Document.of("fox", "the quick brown fox")));
        Result r = rs.get(0);
        assertEquals(40, r.samples());
        // each of the 2 tokens is the memorized one with probability 1/2: about a quarter of samples are exact
        assertTrue(r.exactSamples() > 2 && r.exactSamples() < 25, "exact samples " + r.exactSamples());
        assertEquals(r.exactSamples() / 40.0, r.extractionRate(), 1e-12);
        assertEquals(1 + 5, m.calls, "greedy batch + 40 sample rows in batches of 8");
    }

    @Test
    void longDocumentsAreEncodedFromTheirStartOnly() {
        String longText = MEMORIZED.repeat(200); // 14,600 chars
        Auditor a = new Auditor(new CharTokenizer(), new FakeModel(), opts(10, 8, 1, 4), null, r -> {});
        int[] start = a.encodeStart(longText, 18);
        assertEquals(18, start.length);
        assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOf(new CharTokenizer().encode(longText), 18)),
                java.util.Arrays.toString(start));
        assertEquals(5, a.encodeStart("short", 18).length, "short texts are encoded whole");
    }

    @Test
    void utf8Boundaries() {
        byte[] dash = "a\u2013".getBytes(java.nio.charset.StandardCharsets.UTF_8); // 'a' + 3 bytes
        assertEquals(4, Auditor.utf8Complete(dash));
        assertEquals(1, Auditor.utf8Complete(java.util.Arrays.copyOf(dash, 3)), "cut inside the dash");
        assertEquals(1, Auditor.utf8Complete(java.util.Arrays.copyOf(dash, 2)));
        assertEquals(1, Auditor.utf8Complete(java.util.Arrays.copyOf(dash, 1)));
        assertEquals(0, Auditor.utf8Complete(new byte[0]));
        byte[] emoji = "\uD83D\uDE00".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(4, Auditor.utf8Complete(emoji));
        assertEquals(0, Auditor.utf8Complete(java.util.Arrays.copyOf(emoji, 3)));
    }
}
