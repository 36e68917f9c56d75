package llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import llm.UserException;

/**
 * GPT-2-style byte-level BPE in Java: HF {@code tokenizers}' ByteLevel pre-tokenizer (the GPT-2 regex, see
 * {@link Gpt2PreTokenizer}), then per pre-token, merges by rank (lowest first, leftmost on ties) over the bytes
 * mapped through GPT-2's byte alphabet. Produces the same ids as HF {@code tokenizers} (checked against DJL's
 * binding and llama.cpp's test vectors), several times faster: a cache from pre-token to ids, no native calls.
 *
 * <p>Added tokens: non-special ones are always split out of the text (as HF does); special ones
 * ({@code <|endoftext|>}) only by {@link #encodeWithSpecials(String)}.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    /** Words longer than this merge through a priority queue instead of rescanning. */
    private static final int SCAN_LIMIT = 48;
    /**
     * A pre-token longer than this many chars is encoded in pieces of at most this length, each on its own, so the
     * work and memory per piece are bounded and time is linear in the input: 50 MB of one letter (one pre-token) took
     * 91 s and 5.6 GB of heap whole (issue 24). The number is Meta's Llama 3 tokenizer's (MAX_NO_WHITESPACES_CHARS:
     * it cuts runs of non-whitespace or whitespace longer than 25,000 chars before tiktoken, whose merge is
     * quadratic); HF {@code tokenizers} cuts nothing (its merge is O(n log n), and it caches only words under 256
     * chars). Below this length the ids are HF's exactly; no natural-language word comes near it.
     */
    static final int MAX_PRETOKEN_CHARS = 25_000;

    private final String source;
    private final String[] idToToken;
    private final byte[][] bytes;
    private final int[] byteToId = new int[256];
    /** (left << 32 | right) → rank; merged id = {@code mergeResult[rank]}. */
    private final LongIntMap pairRank;
    private final int[] mergeResult;
    private final String[] specials;       // parsed only with specials on
    private final int[] specialIds;
    private final String[] alwaysAdded;    // non-special added tokens: always parsed
    private final int[] alwaysAddedIds;
    private final boolean[] isSpecial;
    private final OptionalInt eos;
    private final boolean cuttable;
    private final ThreadLocal<WordCache> cache = ThreadLocal.withInitial(WordCache::new);

    public ByteLevelBpeTokenizer(String source, Map<String, Integer> vocab, List<String[]> merges,
            Map<String, Integer> added, Map<String, Boolean> addedSpecial) {
        this.source = source;
        int max = -1;
        for (int id : vocab.values()) {
            max = Math.max(max, id);
        }
        for (int id : added.values()) {
            max = Math.max(max, id);
        }
        TokenizerJson.checkIdRange(max, vocab.size() + added.size(), source);
        idToToken = new String[max + 1];
        vocab.forEach((k, id) -> idToToken[id] = k);
        added.forEach((k, id) -> idToToken[id] = k);
        bytes = new byte[idToToken.length][];
        isSpecial = new boolean[idToToken.length];
        for (int i = 0; i < idToToken.length; i++) {
            String t = idToToken[i];
            bytes[i] = t == null ? new byte[0]
                    : added.containsKey(t) ? t.getBytes(StandardCharsets.UTF_8) : ByteLevel.decode(t);
        }
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(ByteLevel.charOf(b)));
            if (id == null) {
                throw UserException.runtime(source + ": byte-level BPE vocabulary lacks byte 0x"
                        + String.format("%02X", b) + " ('" + ByteLevel.charOf(b) + "')");
            }
            byteToId[b] = id;
        }
        pairRank = new LongIntMap(merges.size() * 2 + 16);
        mergeResult = new int[merges.size()];
        for (int r = 0; r < merges.size(); r++) {
            String[] m = merges.get(r);
            Integer a = vocab.get(m[0]);
            Integer b = vocab.get(m[1]);
            Integer ab = vocab.get(m[0] + m[1]);
            if (a == null || b == null || ab == null) {
                throw UserException.runtime(source + ": merge " + (r + 1) + " (\"" + m[0] + " " + m[1]
                        + "\") uses a token that is not in the vocabulary");
            }
            long key = pairKey(a, b);
            pairRank.put(key, r); // a duplicated merge keeps its last rank, as HF's map collection does
            mergeResult[r] = ab;
        }
        List<String> sp = new ArrayList<>();
        List<String> al = new ArrayList<>();
        List<Integer> spIds = new ArrayList<>();
        List<Integer> alIds = new ArrayList<>();
        added.forEach((k, id) -> {
            if (Boolean.TRUE.equals(addedSpecial.get(k))) {
                sp.add(k);
                spIds.add(id);
                isSpecial[id] = true;
            } else {
                al.add(k);
                alIds.add(id);
            }
        });
        specials = sp.toArray(new String[0]);
        specialIds = spIds.stream().mapToInt(Integer::intValue).toArray();
        alwaysAdded = al.toArray(new String[0]);
        alwaysAddedIds = alIds.stream().mapToInt(Integer::intValue).toArray();
        // an added token with whitespace in it could span a cut (cuts are at whitespace)
        cuttable = added.keySet().stream().noneMatch(t -> t.chars().anyMatch(Gpt2PreTokenizer::isWhiteSpace));
        Integer e = added.get("<|endoftext|>");
        eos = e == null ? OptionalInt.empty() : OptionalInt.of(e);
    }

    /** From a parsed tokenizer.json that {@link TokenizerJson#isGpt2StyleByteLevelBpe()}. */
    public static ByteLevelBpeTokenizer fromJson(TokenizerJson j) {
        return new ByteLevelBpeTokenizer(j.source(), j.vocab(), j.merges(), j.addedTokens(), j.addedSpecial());
    }

    private static long pairKey(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    @Override
    public String name() {
        return "tokenizer.json " + source + " (byte-level BPE, " + vocabSize() + " tokens)";
    }

    @Override
    public int vocabSize() {
        return idToToken.length;
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        encodeInto(text, false, out);
        return out.toArray();
    }

    @Override
    public int[] encodeWithSpecials(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        encodeInto(text, true, out);
        return out.toArray();
    }

    @Override
    public boolean canCutAt(CharSequence s, int p) {
        return cuttable && Gpt2PreTokenizer.canCutAt(s, p);
    }

    /** Encode {@code text}, appending ids to {@code out}. Thread-safe (each thread has its own cache). */
    public void encodeInto(String text, boolean withSpecials, IntList out) {
        WordCache c = cache.get();
        int i = 0;
        int n = text.length();
        NextAdded next = new NextAdded();
        while (i < n) {
            next.reset().scan(text, i, alwaysAdded, alwaysAddedIds);
            if (withSpecials) {
                next.scan(text, i, specials, specialIds);
            }
            int end = next.at < 0 ? n : next.at;
            encodeSegment(text, i, end, c, out);
            if (next.at < 0) {
                break;
            }
            out.add(next.id);
            i = next.at + next.len;
        }
    }

    /** The next added token at or after a position: earliest start, longest on ties, over one or more lists. */
    private static final class NextAdded {
        int at;
        int len;
        int id;

        NextAdded reset() {
            at = -1;
            len = 0;
            id = -1;
            return this;
        }

        void scan(String text, int from, String[] words, int[] ids) {
            for (int k = 0; k < words.length; k++) {
                int w = text.indexOf(words[k], from);
                if (w >= 0 && (at < 0 || w < at || (w == at && words[k].length() > len))) {
                    at = w;
                    len = words[k].length();
                    id = ids[k];
                }
            }
        }
    }

    private void encodeSegment(String text, int from, int to, WordCache c, IntList out) {
        Gpt2PreTokenizer.split(text, from, to, (s, e) -> {
            for (int p = s; p < e; ) { // one piece unless the pre-token is over MAX_PRETOKEN_CHARS
                int q = pieceEnd(text, p, e);
                int[] ids = c.get(text, p, q);
                if (ids == null) {
                    ids = bpe(c.word().getBytes(StandardCharsets.UTF_8));
                    c.put(ids);
                }
                out.addAll(ids);
                p = q;
            }
        });
    }

    /** The end of the piece of pre-token {@code [p, end)} that starts at {@code p}; never inside a surrogate pair. */
    static int pieceEnd(CharSequence text, int p, int end) {
        if (end - p <= MAX_PRETOKEN_CHARS) {
            return end;
        }
        int q = p + MAX_PRETOKEN_CHARS;
        return Character.isHighSurrogate(text.charAt(q - 1)) ? q - 1 : q;
    }

    /**
     * Pre-token → ids. A lookup copies the pre-token's chars into a scratch array (a bulk copy whatever the String's
     * internal coding) and compares with {@code Arrays.equals} (vectorized), which is several times faster than
     * {@code String.regionMatches} between Latin-1 and UTF-16 strings. Cleared when half full. Words over
     * {@value #LONG} chars are not kept in the table (its size would be unbounded: up to 2^17 words of 25,000 chars);
     * only the last of them is kept, which is what a long run of one character cut into equal pieces repeats.
     */
    static final class WordCache {
        private static final int CAPACITY = 1 << 18;
        /** Longer words are kept only as {@link #longKey} (HF tokenizers caches words under 256 chars, too). */
        static final int LONG = 256;
        private final char[][] keys = new char[CAPACITY][];
        private final int[][] vals = new int[CAPACITY][];
        private final int[] hashes = new int[CAPACITY];
        private char[] scratch = new char[64];
        private int scratchLen;
        private int size;
        private int lastHash;
        private int lastSlot;
        private char[] longKey = new char[0];
        private int[] longVal;

        int[] get(String text, int from, int to) {
            int len = to - from;
            if (scratch.length < len) {
                scratch = new char[Math.max(len, scratch.length * 2)];
            }
            text.getChars(from, to, scratch, 0);
            scratchLen = len;
            if (len > LONG) {
                return Arrays.equals(longKey, 0, longKey.length, scratch, 0, len) ? longVal : null;
            }
            return lookup();
        }

        private int[] lookup() {
            char[] w = scratch;
            int len = scratchLen;
            int h = 0;
            for (int i = 0; i < len; i++) {
                h = 31 * h + w[i];
            }
            h ^= (h >>> 15) ^ (h >>> 7);
            int i = h & (CAPACITY - 1);
            while (true) {
                char[] k = keys[i];
                if (k == null) {
                    lastHash = h;
                    lastSlot = i;
                    return null;
                }
                if (hashes[i] == h && k.length == len && Arrays.equals(k, 0, len, w, 0, len)) {
                    return vals[i];
                }
                i = (i + 1) & (CAPACITY - 1);
            }
        }

        /** The word of the last {@link #get}. */
        String word() {
            return new String(scratch, 0, scratchLen);
        }

        /** Insert after a missed {@link #get} of the same word. */
        void put(int[] ids) {
            if (scratchLen > LONG) {
                longKey = Arrays.copyOf(scratch, scratchLen);
                longVal = ids;
                return;
            }
            if (size >= CAPACITY / 2) {
                Arrays.fill(keys, null);
                Arrays.fill(vals, null);
                size = 0;
                lookup();
            }
            keys[lastSlot] = Arrays.copyOf(scratch, scratchLen);
            vals[lastSlot] = ids;
            hashes[lastSlot] = lastHash;
            size++;
        }
    }

    /** BPE of one pre-token's bytes. */
    int[] bpe(byte[] w) {
        int n = w.length;
        int[] sym = new int[n];
        for (int i = 0; i < n; i++) {
            sym[i] = byteToId[w[i] & 0xFF];
        }
        if (n < 2) {
            return sym;
        }
        return n <= SCAN_LIMIT ? bpeScan(sym) : bpeQueue(sym);
    }

    /** Rescan for the lowest-rank pair (leftmost on ties) until none is left: fine for short words. */
    private int[] bpeScan(int[] sym) {
        int n = sym.length;
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE;
            int bestPos = -1;
            for (int i = 0; i + 1 < n; i++) {
                int r = pairRank.get(pairKey(sym[i], sym[i + 1]));
                if (r >= 0 && r < bestRank) {
                    bestRank = r;
                    bestPos = i;
                }
            }
            if (bestPos < 0) {
                break;
            }
            sym[bestPos] = mergeResult[bestRank];
            System.arraycopy(sym, bestPos + 2, sym, bestPos + 1, n - bestPos - 2);
            n--;
        }
        return n == sym.length ? sym : Arrays.copyOf(sym, n);
    }

    /** Same merges as {@link #bpeScan} in O(n log n) ({@link PairMerges}): the lowest rank first. */
    private int[] bpeQueue(int[] sym) {
        return PairMerges.apply(sym, new PairMerges.Rule() {
            @Override
            public long priority(int left, int right) {
                int r = pairRank.get(pairKey(left, right));
                return r >= 0 ? r : PairMerges.NEVER;
            }

            @Override
            public int merged(int left, int right) {
                return mergeResult[pairRank.get(pairKey(left, right))];
            }
        });
    }

    @Override
    public byte[] tokenBytes(int id) {
        check(id);
        return bytes[id].clone();
    }

    /** Length in bytes of {@link #tokenBytes(int)}, without copying. */
    public int tokenLength(int id) {
        check(id);
        return bytes[id].length;
    }

    @Override
    public String piece(int id) {
        check(id);
        return idToToken[id] == null ? "" : idToToken[id];
    }

    @Override
    public OptionalInt bos() {
        return OptionalInt.empty();
    }

    @Override
    public OptionalInt eos() {
        return eos;
    }

    @Override
    public boolean isSpecial(int id) {
        return id >= 0 && id < isSpecial.length && isSpecial[id];
    }

    private void check(int id) {
        if (id < 0 || id >= bytes.length || idToToken[id] == null) {
            throw UserException.runtime("token id " + id + " is out of range for " + source + " (vocab size "
                    + bytes.length + ")");
        }
    }

    /** Open-addressing long → int map (-1 = absent). */
    static final class LongIntMap {
        private final long[] keys;
        private final int[] vals;
        private final int mask;

        LongIntMap(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
            keys = new long[cap];
            vals = new int[cap];
            Arrays.fill(vals, -1);
            mask = cap - 1;
        }

        private int slot(long k) {
            long h = k * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 32) & mask;
        }

        int get(long k) {
            for (int i = slot(k); ; i = (i + 1) & mask) {
                if (vals[i] < 0) {
                    return -1;
                }
                if (keys[i] == k) {
                    return vals[i];
                }
            }
        }

        void put(long k, int v) {
            for (int i = slot(k); ; i = (i + 1) & mask) {
                if (vals[i] < 0 || keys[i] == k) {
                    keys[i] = k;
                    vals[i] = v;
                    return;
                }
            }
        }
    }
}
