package llm.tokenizer;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import llm.UserException;
import llm.io.AtomicFile;
import llm.io.Log;

/**
 * Learns a GPT-2-style byte-level BPE vocabulary and writes it as a HuggingFace {@code tokenizer.json}.
 *
 * <ol>
 *   <li>Count pre-tokens: the text is split on {@code <|endoftext|>} (a special token, never merged into others),
 *       then by GPT-2's regex ({@link Gpt2PreTokenizer}); each distinct pre-token is a word with a count.</li>
 *   <li>Start from the 256 bytes (ids 0..255 in GPT-2's order: the byte alphabet's characters sorted).</li>
 *   <li>Repeatedly merge the most frequent adjacent pair (ties: the smaller (left id, right id)), until the
 *       vocabulary has {@code vocabSize - 1} tokens or no pair is left; {@code <|endoftext|>} takes the last id.
 *       Pair counts are kept up to date incrementally: a merge touches only the words that contain the pair, and a
 *       priority queue with lazily refreshed counts finds the next best pair.</li>
 * </ol>
 * Deterministic: the same text and size give the same file, byte for byte.
 *
 * <pre>{@code
 * byte[] json = BpeTrainer.train(List.of(text), 4096);          // tokenizer.json bytes
 * BpeTrainer.train(texts, 4096, Path.of("release/tokenizer.json"));
 * }</pre>
 */
public final class BpeTrainer {
    public static final String EOT = "<|endoftext|>";

    private final int targetSize;
    private final Map<String, long[]> wordCounts = new HashMap<>();
    private long bytesSeen;
    // results
    private List<String> tokens;     // id -> byte-level string (without the special)
    private List<String[]> merges;

    public BpeTrainer(int vocabSize) {
        if (vocabSize < 257) {
            throw UserException.usage("vocabulary size must be at least 257 (256 bytes + " + EOT + "), not "
                    + vocabSize);
        }
        this.targetSize = vocabSize;
    }

    /** Train on {@code texts} and return the tokenizer.json bytes (UTF-8). */
    public static byte[] train(Iterable<String> texts, int vocabSize) {
        BpeTrainer t = new BpeTrainer(vocabSize);
        for (String s : texts) {
            t.add(s);
        }
        return t.toJson();
    }

    /** Train on {@code texts} and write tokenizer.json to {@code out} atomically. */
    public static void train(Iterable<String> texts, int vocabSize, Path out) throws IOException {
        AtomicFile.write(out, train(texts, vocabSize));
    }

    /** Count the pre-tokens of {@code text} (a document or any piece of one that ends at a pre-token boundary). */
    public void add(String text) {
        if (tokens != null) {
            throw new IllegalStateException("already trained");
        }
        bytesSeen += text.length();
        int i = 0;
        while (i <= text.length()) {
            int at = text.indexOf(EOT, i);
            int end = at < 0 ? text.length() : at;
            Gpt2PreTokenizer.split(text, i, end, (s, e) -> {
                while (e - s > MAX_WORD) { // counted in pieces: see MAX_WORD
                    int cut = s + MAX_WORD - (Character.isHighSurrogate(text.charAt(s + MAX_WORD - 1)) ? 1 : 0);
                    count(text.substring(s, cut));
                    s = cut;
                }
                count(text.substring(s, e));
            });
            if (at < 0) {
                break;
            }
            i = at + EOT.length();
        }
    }

    /**
     * The longest pre-token counted as one word, in chars; a longer one (a DNA sequence, a hash, a run of letters in
     * scraped text) is counted as pieces of this length. Why: every merge rewrites each word that holds its pair and
     * recounts all the word's pairs, so one giant word is rewritten at nearly every merge — a single pre-token of
     * 200,000 random letters took 77 s to train 2,000 tokens on. Real words are far shorter; the learned merges still
     * apply across the pieces' edges when the tokenizer encodes.
     */
    static final int MAX_WORD = 256;

    private void count(String w) {
        long[] c = wordCounts.get(w);
        if (c == null) {
            wordCounts.put(w, new long[] {1});
        } else {
            c[0]++;
        }
    }

    /** Count the pre-tokens of a UTF-8 stream of any size, chunk by chunk. */
    public StreamEncoder.Stats addStream(InputStream in, String name, boolean strict) throws IOException {
        Utf8StreamDecoder dec = new Utf8StreamDecoder(strict ? off -> {
            throw UserException.runtime(name + ": invalid UTF-8 at byte " + off + " (--strict)");
        } : null);
        StringBuilder buf = new StringBuilder();
        byte[] block = new byte[1 << 16];
        int scanned = 0;
        int n;
        while ((n = in.read(block)) > 0) {
            dec.feed(block, 0, n, buf);
            if (buf.length() >= 1 << 20) {
                int cut = lastCut(buf, scanned);
                scanned = Math.max(0, buf.length() - 1);
                if (cut > 0) {
                    add(buf.substring(0, cut));
                    buf.delete(0, cut);
                    scanned = Math.max(0, scanned - cut);
                }
            }
        }
        dec.finish(buf);
        add(buf.toString());
        return new StreamEncoder.Stats(dec.malformedCount(), dec.byteOffset());
    }

    private static int lastCut(CharSequence buf, int from) {
        for (int p = buf.length() - 2; p >= Math.max(1, from); p--) {
            // a cut never falls inside <|endoftext|> (it has no whitespace)
            if (Gpt2PreTokenizer.canCutAt(buf, p)) {
                return p;
            }
        }
        return 0;
    }

    /** Learn the merges (once). */
    public void fit() {
        if (tokens != null) {
            return;
        }
        long t0 = System.nanoTime();
        // ids 0..255: the byte alphabet in GPT-2's order (its characters sorted)
        char[] alphabet = new char[256];
        for (int b = 0; b < 256; b++) {
            alphabet[b] = ByteLevel.charOf(b);
        }
        char[] sorted = alphabet.clone();
        Arrays.sort(sorted);
        int[] byteId = new int[256];
        tokens = new ArrayList<>();
        Map<String, Integer> tokenId = new HashMap<>();
        for (char c : sorted) {
            int b = ByteLevel.byteOf(c);
            byteId[b] = tokens.size();
            tokenId.put(String.valueOf(c), tokens.size());
            tokens.add(String.valueOf(c));
        }
        merges = new ArrayList<>();

        // words as symbol arrays (length-tracked), with counts; sorted for determinism
        List<String> keys = new ArrayList<>(wordCounts.keySet());
        keys.sort(null);
        int nw = keys.size();
        int[][] words = new int[nw][];
        int[] wlen = new int[nw];
        long[] wcount = new long[nw];
        for (int w = 0; w < nw; w++) {
            byte[] b = keys.get(w).getBytes(StandardCharsets.UTF_8);
            words[w] = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                words[w][i] = byteId[b[i] & 0xFF];
            }
            wlen[w] = b.length;
            wcount[w] = wordCounts.get(keys.get(w))[0];
        }

        // pair counts and where each pair occurs
        HashMap<Long, long[]> pairCount = new HashMap<>();
        HashMap<Long, IntList> where = new HashMap<>();
        for (int w = 0; w < nw; w++) {
            int[] s = words[w];
            for (int i = 0; i + 1 < wlen[w]; i++) {
                long p = key(s[i], s[i + 1]);
                pairCount.computeIfAbsent(p, k -> new long[1])[0] += wcount[w];
                IntList l = where.computeIfAbsent(p, k -> new IntList(4));
                if (l.size() == 0 || l.get(l.size() - 1) != w) {
                    l.add(w);
                }
            }
        }
        // best pair first: higher count, then smaller (left, right)
        PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0])
                : Long.compare(x[1], y[1]));
        pairCount.forEach((p, c) -> queue.add(new long[] {c[0], p}));

        int[] stamp = new int[nw];
        int merge = 0;
        int wanted = targetSize - 1; // the last id is <|endoftext|>
        HashMap<Long, Boolean> touched = new HashMap<>();
        while (tokens.size() < wanted && !queue.isEmpty()) {
            long[] top = queue.poll();
            long p = top[1];
            long[] cur = pairCount.get(p);
            long now = cur == null ? 0 : cur[0];
            if (now != top[0]) {
                if (now > 0) {
                    queue.add(new long[] {now, p}); // stale: re-queue with the true count
                }
                continue;
            }
            if (now <= 0) {
                continue;
            }
            int a = (int) (p >>> 32);
            int b = (int) p;
            String merged = tokens.get(a) + tokens.get(b);
            Integer existing = tokenId.get(merged);
            int c;
            if (existing != null) {
                c = existing;
            } else {
                c = tokens.size();
                tokens.add(merged);
                tokenId.put(merged, c);
            }
            merges.add(new String[] {tokens.get(a), tokens.get(b)});
            merge++;
            touched.clear();
            IntList ws = where.remove(p);
            for (int k = 0; ws != null && k < ws.size(); k++) {
                int w = ws.get(k);
                if (stamp[w] == merge) {
                    continue;
                }
                stamp[w] = merge;
                int[] s = words[w];
                int len = wlen[w];
                long cnt = wcount[w];
                // does the word still contain (a, b)?
                boolean has = false;
                for (int i = 0; i + 1 < len; i++) {
                    if (s[i] == a && s[i + 1] == b) {
                        has = true;
                        break;
                    }
                }
                if (!has) {
                    continue;
                }
                for (int i = 0; i + 1 < len; i++) {
                    add(pairCount, key(s[i], s[i + 1]), -cnt);
                }
                int out = 0;
                for (int i = 0; i < len; i++) {
                    if (i + 1 < len && s[i] == a && s[i + 1] == b) {
                        s[out++] = c;
                        i++;
                    } else {
                        s[out++] = s[i];
                    }
                }
                wlen[w] = len = out;
                for (int i = 0; i + 1 < len; i++) {
                    long q = key(s[i], s[i + 1]);
                    add(pairCount, q, cnt);
                    if (s[i] == c || s[i + 1] == c) {
                        touched.put(q, Boolean.TRUE);
                        IntList l = where.computeIfAbsent(q, x -> new IntList(4));
                        if (l.size() == 0 || l.get(l.size() - 1) != w) {
                            l.add(w);
                        }
                    }
                }
            }
            pairCount.remove(p);
            for (Long q : touched.keySet()) {
                long[] qc = pairCount.get(q);
                if (qc != null && qc[0] > 0) {
                    queue.add(new long[] {qc[0], q});
                }
            }
            if (merge % 1000 == 0) {
                Log.debug("bpe: %d merges, %d tokens, %.1f s", merge, tokens.size(), (System.nanoTime() - t0) / 1e9);
            }
        }
        Log.debug("bpe: %d merges, %d tokens + %s in %.1f s", merges.size(), tokens.size(), EOT,
                (System.nanoTime() - t0) / 1e9);
    }

    private static void add(HashMap<Long, long[]> counts, long p, long d) {
        long[] c = counts.get(p);
        if (c == null) {
            counts.put(p, new long[] {d});
        } else {
            c[0] += d;
        }
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** Tokens in the vocabulary, {@code <|endoftext|>} included (after {@link #fit()}). */
    public int vocabSize() {
        fit();
        return tokens.size() + 1;
    }

    public int mergeCount() {
        fit();
        return merges.size();
    }

    public long charsSeen() {
        return bytesSeen;
    }

    /** The trained tokenizer, usable at once (the same as loading {@link #toJson()}). */
    public ByteLevelBpeTokenizer tokenizer() {
        fit();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), i);
        }
        return new ByteLevelBpeTokenizer("trained BPE", vocab, merges, Map.of(EOT, tokens.size()), Map.of(EOT, true));
    }

    /** The tokenizer.json (UTF-8), laid out like GPT-2's so that HF tokenizers and DJL load it unchanged. */
    public byte[] toJson() {
        fit();
        try {
            StringWriter sw = new StringWriter(tokens.size() * 24);
            JsonWriter j = new JsonWriter(sw);
            j.setHtmlSafe(false);
            j.setIndent("  ");
            j.beginObject();
            j.name("version").value("1.0");
            j.name("truncation").nullValue();
            j.name("padding").nullValue();
            j.name("added_tokens").beginArray();
            j.beginObject();
            j.name("id").value(tokens.size());
            j.name("content").value(EOT);
            j.name("single_word").value(false);
            j.name("lstrip").value(false);
            j.name("rstrip").value(false);
            j.name("normalized").value(true);
            j.name("special").value(true);
            j.endObject();
            j.endArray();
            j.name("normalizer").nullValue();
            byteLevel(j.name("pre_tokenizer"), false, true);
            byteLevel(j.name("post_processor"), true, false);
            byteLevel(j.name("decoder"), true, true);
            j.name("model").beginObject();
            j.name("type").value("BPE");
            j.name("dropout").nullValue();
            j.name("unk_token").nullValue();
            j.name("continuing_subword_prefix").value("");
            j.name("end_of_word_suffix").value("");
            j.name("fuse_unk").value(false);
            j.name("byte_fallback").value(false);
            j.name("vocab").beginObject();
            for (int i = 0; i < tokens.size(); i++) {
                j.name(tokens.get(i)).value(i);
            }
            j.endObject();
            j.name("merges").beginArray();
            for (String[] m : merges) {
                j.value(m[0] + " " + m[1]);
            }
            j.endArray();
            j.endObject();
            j.endObject();
            j.flush();
            return (sw + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void byteLevel(JsonWriter j, boolean addPrefixSpace, boolean trimOffsets) throws IOException {
        j.beginObject();
        j.name("type").value("ByteLevel");
        j.name("add_prefix_space").value(addPrefixSpace);
        j.name("trim_offsets").value(trimOffsets);
        j.name("use_regex").value(true);
        j.endObject();
    }
}
