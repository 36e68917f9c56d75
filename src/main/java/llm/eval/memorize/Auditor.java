package llm.eval.memorize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import llm.eval.Memorization;
import llm.eval.Sentences;
import llm.tokenizer.Tokenizer;

/**
 * The memorize-check pipeline: documents in, results out, in input order. Documents are tokenized, cut into windows
 * (prefix of P tokens or the first sentence, then a target of S tokens), and buffered until {@code batchSize} windows
 * are waiting; then windows with prompts of equal length are continued together, one forward pass per step. Memory
 * is bounded by the batch: one batch of windows and their documents' ids and texts.
 */
public final class Auditor {
    /**
     * What to test.
     *
     * @param prefixTokens   P (ignored with {@code prefixSentence})
     * @param prefixSentence use the first sentence as the prefix
     * @param suffixTokens   S
     * @param windows        K windows per document
     * @param batchSize      windows continued together
     * @param samples        N sampled continuations per window (0: none)
     * @param startToken     prepended to every prompt (BOS, or end-of-text), -1 for none
     */
    public record Options(int prefixTokens, boolean prefixSentence, int suffixTokens, int windows, int batchSize,
            int samples, int startToken) {}

    /**
     * One window to continue. {@code carry}: the bytes of a character that the prefix's last token leaves unfinished;
     * they open the target's and the continuation's texts, so that no text shows half a character.
     */
    private record Job(long doc, String id, int window, int offset, int[] prompt, int[] target, String prefixText,
            byte[] carry, String targetText) {}

    private final Tokenizer tokenizer;
    private final Continuer model;
    private final Options o;
    private final SamplePickers sampler;
    private final Consumer<Result> sink;
    private final List<Object> pending = new ArrayList<>(); // Job or Result (skips), in input order
    private int pendingJobs;
    private long docs;
    private long windowsDone;

    /** For {@code --samples}: the picker of a batch of sampled rows, given each row's {@link #sampleKey}. */
    public interface SamplePickers {
        Continuer.Picker forRows(long[] keys);
    }

    /**
     * @param sampler for {@code --samples}: makes the picker of a batch of sampled rows (null without samples)
     * @param sink    receives every result, in input order
     */
    public Auditor(Tokenizer tokenizer, Continuer model, Options options, SamplePickers sampler,
            Consumer<Result> sink) {
        this.tokenizer = tokenizer;
        this.model = model;
        this.o = options;
        this.sampler = sampler;
        this.sink = sink;
    }

    /** Windows continued so far. */
    public long windowsDone() {
        return windowsDone;
    }

    /** Documents accepted so far. */
    public long documents() {
        return docs;
    }

    /** Queue one document; runs a batch when enough windows wait. */
    public void accept(Document d) {
        long doc = docs++;
        if (d.skipReason() != null) {
            pending.add(Result.skipped(doc, d.id(), d.skipReason()));
            return;
        }
        int p = o.prefixTokens();
        int[] ids = o.prefixSentence() || o.windows() > 1 ? tokenizer.encode(d.text())
                : encodeStart(d.text(), p + o.suffixTokens());
        if (o.prefixSentence()) {
            int end = Sentences.firstSentenceEnd(d.text());
            if (end < 0) {
                pending.add(Result.skipped(doc, d.id(), "no sentence end found for --prefix-sentence"));
                return;
            }
            p = tokensCovering(ids, d.text().substring(0, end));
        }
        int need = p + o.suffixTokens();
        int start = o.startToken() >= 0 ? 1 : 0;
        if (start + need - 1 > model.maxLength()) { // the last target token is never fed to the model
            pending.add(Result.skipped(doc, d.id(), "prefix " + p + " + suffix " + o.suffixTokens()
                    + " tokens exceed the model's context of " + model.maxLength()));
            return;
        }
        int[] offsets = Windows.offsets(ids.length, need, o.windows());
        if (offsets.length == 0) {
            pending.add(Result.skipped(doc, d.id(), ids.length + " tokens, fewer than " + need + " (prefix " + p
                    + " + suffix " + o.suffixTokens() + ")"));
            return;
        }
        for (int w = 0; w < offsets.length; w++) {
            int off = offsets[w];
            int[] prefix = Arrays.copyOfRange(ids, off, off + p);
            int[] target = Arrays.copyOfRange(ids, off + p, off + need);
            int[] prompt = prefix;
            if (o.startToken() >= 0) {
                prompt = new int[p + 1];
                prompt[0] = o.startToken();
                System.arraycopy(prefix, 0, prompt, 1, p);
            }
            byte[] prefixBytes = bytes(ids, off, p);
            int cut = utf8Complete(prefixBytes);
            byte[] carry = Arrays.copyOfRange(prefixBytes, cut, prefixBytes.length);
            pending.add(new Job(doc, d.id(), w, off, prompt, target,
                    new String(prefixBytes, 0, cut, StandardCharsets.UTF_8), carry,
                    text(carry, bytes(ids, off + p, o.suffixTokens()))));
            pendingJobs++;
        }
        if (pendingJobs >= o.batchSize()) {
            flush();
        }
    }

    /** Run what is queued and emit it. */
    public void flush() {
        List<Job> jobs = new ArrayList<>();
        for (Object x : pending) {
            if (x instanceof Job j) {
                jobs.add(j);
            }
        }
        // a model that needs rectangular batches gets groups of equal prompt length
        List<Job> byLength = new ArrayList<>(jobs);
        if (!model.ragged()) {
            byLength.sort(Comparator.comparingInt(j -> j.prompt().length));
        }
        java.util.Map<Job, Result> done = new java.util.IdentityHashMap<>();
        for (int i = 0; i < byLength.size(); ) {
            int len = byLength.get(i).prompt().length;
            int j = i;
            while (j < byLength.size() && j - i < o.batchSize()
                    && (model.ragged() || byLength.get(j).prompt().length == len)) {
                j++;
            }
            runGroup(byLength.subList(i, j), done);
            i = j;
        }
        for (Object x : pending) {
            sink.accept(x instanceof Job j ? done.get(j) : (Result) x);
        }
        pending.clear();
        pendingJobs = 0;
    }

    private void runGroup(List<Job> group, java.util.Map<Job, Result> done) {
        int s = o.suffixTokens();
        int[][] prompts = new int[group.size()][];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = group.get(i).prompt();
        }
        int[][] greedy = model.continueBatch(prompts, s, Continuer.GREEDY);
        int[] exactSamples = new int[group.size()];
        if (o.samples() > 0) {
            // rows = window × sample, in chunks of batchSize rows
            int rows = group.size() * o.samples();
            for (int start = 0; start < rows; start += o.batchSize()) {
                int n = Math.min(o.batchSize(), rows - start);
                int[][] ps = new int[n][];
                long[] keys = new long[n];
                for (int r = 0; r < n; r++) {
                    ps[r] = prompts[(start + r) / o.samples()];
                    keys[r] = sampleKey(ps[r], (start + r) % o.samples());
                }
                int[][] sampled = model.continueBatch(ps, s, sampler.forRows(keys));
                for (int r = 0; r < n; r++) {
                    int w = (start + r) / o.samples();
                    if (Arrays.equals(sampled[r], group.get(w).target())) {
                        exactSamples[w]++;
                    }
                }
            }
        }
        for (int i = 0; i < group.size(); i++) {
            Job j = group.get(i);
            int[] gen = greedy[i];
            String continuation = decodeContinuation(j, gen);
            done.put(j, Result.tested(j.doc(), j.id(), j.window(), j.offset(), j.prompt().length
                    - (o.startToken() >= 0 ? 1 : 0), j.prefixText(), j.targetText(), continuation,
                    Memorization.compare(gen, j.target()), o.samples(), exactSamples[i]));
            windowsDone++;
        }
    }

    /**
     * The key of sample {@code k} of a window with these prompt tokens: the same tokens and k give the same key in
     * any run — whatever the batch size, the decoder, the documents before it or the Spark part it falls in — so a
     * window's samples depend on its prompt and the seed alone (with {@code --seed}, the key seeds the sample's
     * sampler). A hash of our own (SplitMix64's finalizer, Steele et al. 2014, which SplittableRandom also uses):
     * the JDK has no 64-bit hash of an int[].
     */
    public static long sampleKey(int[] prompt, int k) {
        long h = mix64(0x9E3779B97F4A7C15L * (prompt.length + 1));
        for (int t : prompt) {
            h = mix64(h ^ (t & 0xffffffffL)) + 0x9E3779B97F4A7C15L;
        }
        return mix64(h ^ k);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Tokens beyond the first {@code need} that must agree before a cut text's tokens are trusted. */
    private static final int MARGIN = 16;

    /**
     * The first tokens of {@code text}, at least {@code need} of them when the text has that many, without encoding a
     * long document whole: encode a prefix of the text and one twice as long, and trust the first {@code need} tokens
     * when both agree on them and both go on for {@link #MARGIN} more (a cut changes only the tokens next to it).
     * Short texts, and texts where that fails, are encoded whole.
     */
    int[] encodeStart(String text, int need) {
        int len = need * 8 + 256;
        while (2L * len < text.length()) {
            int[] a = tokenizer.encode(cut(text, len));
            if (a.length >= need + MARGIN) {
                int[] b = tokenizer.encode(cut(text, 2 * len));
                if (b.length >= need + MARGIN && Arrays.equals(a, 0, need + MARGIN, b, 0, need + MARGIN)) {
                    return Arrays.copyOf(a, need);
                }
            }
            len *= 4;
        }
        return tokenizer.encode(text);
    }

    /** The first {@code len} chars of {@code s}, not splitting a surrogate pair. */
    private static String cut(String s, int len) {
        if (len < s.length() && Character.isLowSurrogate(s.charAt(len))) {
            len--;
        }
        return s.substring(0, len);
    }

    /** The smallest number of leading tokens whose text covers {@code sentence}. */
    int tokensCovering(int[] ids, String sentence) {
        int want = sentence.strip().getBytes(StandardCharsets.UTF_8).length;
        int bytes = 0;
        int prev = -1;
        for (int n = 0; n < ids.length; n++) {
            bytes += tokenizer.tokenBytes(prev, ids[n]).length;
            prev = ids[n];
            if (bytes >= want) {
                // leading whitespace a tokenizer adds (a dummy-prefix space) is not part of the sentence
                String text = tokenizer.decode(Arrays.copyOf(ids, n + 1)).strip();
                if (text.getBytes(StandardCharsets.UTF_8).length >= want) {
                    return n + 1;
                }
            }
        }
        return ids.length;
    }

    /** The bytes of ids[from, from+n) as they read inside the document (start-of-text rules only at 0). */
    private byte[] bytes(int[] ids, int from, int n) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = from == 0 ? o.startToken() : ids[from - 1];
        for (int i = from; i < from + n; i++) {
            b.writeBytes(tokenizer.tokenBytes(prev, ids[i]));
            prev = ids[i];
        }
        return b.toByteArray();
    }

    private String decodeContinuation(Job j, int[] gen) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = j.prompt()[j.prompt().length - 1];
        for (int id : gen) {
            b.writeBytes(tokenizer.tokenBytes(prev, id));
            prev = id;
        }
        return text(j.carry(), b.toByteArray());
    }

    /**
     * The text of a target or continuation: the carried bytes, then its own; a character its last token leaves
     * unfinished is left out (not shown as U+FFFD), so that both texts end on whole characters.
     */
    static String text(byte[] head, byte[] rest) {
        byte[] all = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return new String(all, 0, utf8Complete(all), StandardCharsets.UTF_8);
    }

    /**
     * The length of the longest prefix of {@code b} that does not end inside a UTF-8 sequence: {@code b.length} unless
     * its last lead byte starts a sequence that the remaining bytes do not complete.
     */
    static int utf8Complete(byte[] b) {
        for (int i = b.length - 1; i >= Math.max(0, b.length - 4); i--) {
            int c = b[i] & 0xff;
            if ((c & 0xc0) == 0x80) {
                continue; // continuation byte: look further back for the lead
            }
            int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 1;
            return i + len > b.length ? i : b.length;
        }
        return b.length;
    }
}
