package llm.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import llm.UserException;

/**
 * llama2.c's {@code tokenizer.bin}: {@code int32 max_token_length}, then per token {@code float32 score, int32 len,
 * len bytes} (little-endian), as many tokens as the file holds. Encoding follows llama2.c {@code run.c}'s
 * {@code encode()} exactly: a dummy-prefix space when the text is non-empty, one token per UTF-8 code point with
 * {@code <0xNN>} byte fallback (id = byte + 3), then repeatedly merge the adjacent pair whose concatenation is the
 * vocabulary entry with the best score (leftmost on ties). BOS = 1, EOS = 2.
 *
 * <p>run.c rescans the whole sequence after each merge (quadratic); this class keeps the candidate pairs in a
 * priority queue ordered by (score desc, position asc), which picks exactly the same merge at every step.
 */
public final class Llama2cTokenizer implements Tokenizer {
    public static final int BOS = 1;
    public static final int EOS = 2;
    private static final int BYTE_OFFSET = 3;
    /** run.c starts its best score at -1e10 and merges only strictly better pairs. */
    private static final float NO_SCORE = -1e10f;

    private final String source;
    private final int maxTokenLength;
    private final byte[][] pieces;
    private final float[] scores;
    /** Piece bytes as an ISO-8859-1 string (one char per byte) → id; the first id wins on duplicates. */
    private final Map<String, Integer> lookup;
    /** byte value → id of the piece {@code <0xNN>}'s byte, as decode() maps it (-1 when not a byte piece). */
    private final int[] byteOfPiece;
    private final int spaceId;
    private final boolean newlineIsBoundary;
    /** (left << 32 | right) → merged id, or -1; filled on demand. */
    private final Map<Long, Integer> pairCache = new java.util.concurrent.ConcurrentHashMap<>();

    private Llama2cTokenizer(String source, int maxTokenLength, byte[][] pieces, float[] scores) {
        this.source = source;
        this.maxTokenLength = maxTokenLength;
        this.pieces = pieces;
        this.scores = scores;
        this.lookup = new HashMap<>(pieces.length * 2);
        for (int i = 0; i < pieces.length; i++) {
            lookup.putIfAbsent(latin1(pieces[i]), i);
        }
        this.byteOfPiece = new int[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            byteOfPiece[i] = parseBytePiece(pieces[i]);
        }
        Integer sp = lookup.get(" ");
        this.spaceId = sp == null ? -1 : sp;
        // a newline that is a byte-fallback token never merges: its piece "<0x0A>" joins nothing in the vocabulary
        boolean nl = !lookup.containsKey("\n");
        for (byte[] p : pieces) {
            String s = latin1(p);
            if (s.contains("<0x0A>") && !s.equals("<0x0A>")) {
                nl = false;
            }
        }
        this.newlineIsBoundary = nl;
    }

    /** Load {@code path}; a missing, truncated or malformed file is a one-line {@link UserException}. */
    public static Llama2cTokenizer load(Path path) {
        byte[] data;
        try {
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw UserException.runtime(path + ": no such file");
        } catch (IOException e) {
            throw UserException.runtime(path + ": cannot read: " + e.getMessage());
        }
        return parse(data, path.toString());
    }

    /** Parse the bytes of a llama2.c tokenizer file; {@code name} appears in error messages. */
    public static Llama2cTokenizer parse(byte[] data, String name) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 4) {
            throw UserException.runtime(name + ": not a llama2.c tokenizer (shorter than its header)");
        }
        int maxLen = b.getInt();
        if (maxLen <= 0 || maxLen > 1 << 16) {
            throw UserException.runtime(name + ": not a llama2.c tokenizer (max_token_length " + maxLen + ")");
        }
        List<byte[]> ps = new ArrayList<>();
        List<Float> ss = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 8) {
                throw UserException.runtime(name + ": truncated llama2.c tokenizer at token " + ps.size());
            }
            float score = b.getFloat();
            int len = b.getInt();
            if (len < 0 || len > maxLen || len > b.remaining()) {
                throw UserException.runtime(name + ": malformed llama2.c tokenizer: token " + ps.size()
                        + " has length " + len + (len > b.remaining() ? " past the end of the file" : ""));
            }
            byte[] p = new byte[len];
            b.get(p);
            ps.add(p);
            ss.add(score);
        }
        if (ps.size() < BYTE_OFFSET + 256) {
            throw UserException.runtime(name + ": not a llama2.c tokenizer (only " + ps.size()
                    + " tokens; expected <unk>, <s>, </s> and 256 byte tokens at least)");
        }
        float[] scores = new float[ss.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = ss.get(i);
        }
        return new Llama2cTokenizer(name, maxLen, ps.toArray(new byte[0][]), scores);
    }

    @Override
    public String name() {
        return "llama2.c tokenizer " + source + " (" + pieces.length + " tokens)";
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    public int maxTokenLength() {
        return maxTokenLength;
    }

    public float score(int id) {
        return scores[id];
    }

    @Override
    public int[] encode(String text) {
        return encodeBytes(text.getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * Encode a piece of text that continues earlier text (no dummy-prefix space). Splitting text after a byte-fallback
     * token (e.g. a newline in tok512) and encoding the rest with this gives the same ids as encoding it whole.
     */
    @Override
    public int[] encodeContinuation(String text, boolean specials) {
        return specials ? encodeSpecials(text, false) : encodeBytes(text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Right after a newline, when the newline is a byte-fallback token (it then never merges with anything). */
    @Override
    public boolean canCutAt(CharSequence s, int p) {
        return newlineIsBoundary && p > 0 && p < s.length() && s.charAt(p - 1) == '\n';
    }

    /**
     * {@code <s>} and {@code </s>} written in the text become BOS and EOS; each text segment between them is encoded
     * as by {@link #encode(String)} (with its dummy prefix, as separate run.c encode calls would).
     */
    @Override
    public int[] encodeWithSpecials(String text) {
        return encodeSpecials(text, true);
    }

    private int[] encodeSpecials(String text, boolean prefixFirst) {
        IntList out = new IntList();
        int i = 0;
        boolean prefix = prefixFirst;
        while (i < text.length()) {
            int s = text.indexOf("<s>", i);
            int e = text.indexOf("</s>", i);
            int next = s < 0 ? e : e < 0 ? s : Math.min(s, e);
            int end = next < 0 ? text.length() : next;
            if (end > i) {
                out.addAll(encodeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8), prefix));
            }
            prefix = true;
            if (next < 0) {
                break;
            }
            boolean bos = next == s;
            out.add(bos ? BOS : EOS);
            i = next + (bos ? 3 : 4);
        }
        return out.toArray();
    }

    /** run.c encode() on raw bytes (without BOS/EOS). */
    int[] encodeBytes(byte[] text, boolean dummyPrefix) {
        IntList tokens = new IntList(text.length + 1);
        if (dummyPrefix && text.length > 0) {
            tokens.add(spaceId >= 0 ? spaceId : ' ' + BYTE_OFFSET);
        }
        // one token per UTF-8 code point (at most 4 bytes), byte fallback when the code point is not in the vocab
        int start = 0;
        int len = 0;
        for (int c = 0; c < text.length; c++) {
            if ((text[c] & 0xC0) != 0x80) {
                start = c;
                len = 0;
            }
            len++;
            boolean nextIsCont = c + 1 < text.length && (text[c + 1] & 0xC0) == 0x80;
            if (nextIsCont && len < 4) {
                continue;
            }
            Integer id = lookup.get(new String(text, start, len, StandardCharsets.ISO_8859_1));
            if (id != null) {
                tokens.add(id);
            } else {
                for (int k = 0; k < len; k++) {
                    tokens.add((text[start + k] & 0xFF) + BYTE_OFFSET);
                }
            }
            len = 0;
            start = c + 1;
        }
        return merge(tokens.toArray());
    }

    /** Merge adjacent pairs, best score first, leftmost on ties — the order run.c's rescanning loop produces. */
    private int[] merge(int[] ids) {
        if (ids.length < 2) {
            return ids;
        }
        return PairMerges.apply(ids.clone(), new PairMerges.Rule() {
            @Override
            public long priority(int left, int right) {
                int merged = mergedId(left, right);
                return merged >= 0 && scores[merged] > NO_SCORE ? PairMerges.highestFirst(scores[merged])
                        : PairMerges.NEVER;
            }

            @Override
            public int merged(int left, int right) {
                return mergedId(left, right);
            }
        });
    }

    private int mergedId(int left, int right) {
        long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
        Integer cached = pairCache.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] a = pieces[left];
        byte[] b = pieces[right];
        int id = -1;
        if (a.length + b.length <= maxTokenLength * 2 + 2) {
            byte[] ab = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, ab, a.length, b.length);
            Integer found = lookup.get(latin1(ab));
            id = found == null ? -1 : found;
        }
        pairCache.put(key, id);
        return id;
    }

    @Override
    public byte[] tokenBytes(int id) {
        checkId(id);
        int b = byteOfPiece[id];
        return b >= 0 ? new byte[] {(byte) b} : pieces[id].clone();
    }

    /**
     * As run.c decode(): after BOS a leading space is dropped; {@code <0xNN>} pieces are their byte. The start of a
     * sequence ({@code previous} = -1) counts as after BOS, so that the dummy-prefix space of {@link #encode} is
     * dropped again and {@code decode(encode(x)) == x}. BOS and EOS contribute nothing to the text (run.c's generate
     * loop never prints them).
     */
    @Override
    public byte[] tokenBytes(int previous, int id) {
        checkId(id);
        if (id == BOS || id == EOS) {
            return new byte[0];
        }
        int b = byteOfPiece[id];
        if (b >= 0) {
            return new byte[] {(byte) b};
        }
        byte[] p = pieces[id];
        if ((previous == BOS || previous < 0) && p.length > 0 && p[0] == ' ') {
            return Arrays.copyOfRange(p, 1, p.length);
        }
        return p.clone();
    }

    @Override
    public String piece(int id) {
        checkId(id);
        return new String(pieces[id], StandardCharsets.UTF_8);
    }

    /** The raw bytes of the vocabulary entry {@code id} (for {@code <0x0A>} the six characters, not the byte). */
    public byte[] rawPiece(int id) {
        checkId(id);
        return pieces[id].clone();
    }

    @Override
    public OptionalInt bos() {
        return OptionalInt.of(BOS);
    }

    @Override
    public OptionalInt eos() {
        return OptionalInt.of(EOS);
    }

    @Override
    public boolean isSpecial(int id) {
        return id == 0 || id == BOS || id == EOS;
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw UserException.runtime("token id " + id + " is out of range for " + source + " (vocab size "
                    + pieces.length + ")");
        }
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** run.c's {@code sscanf(piece, "<0x%02hhX>", &byte)}: "<0x" then one or two hex digits. */
    private static int parseBytePiece(byte[] p) {
        if (p.length < 4 || p[0] != '<' || p[1] != '0' || p[2] != 'x') {
            return -1;
        }
        int v = 0;
        int digits = 0;
        for (int i = 3; i < p.length && digits < 2; i++) {
            int d = Character.digit(p[i], 16);
            if (d < 0) {
                break;
            }
            v = v * 16 + d;
            digits++;
        }
        return digits == 0 ? -1 : v;
    }
}
