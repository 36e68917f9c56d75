package llm.tokenizer;

/**
 * Incremental UTF-8 decoding for streams cut at arbitrary byte positions (token by token, block by block): a
 * character split across two {@link #feed} calls is held back until its last byte arrives, so it never shows as
 * U+FFFD. Really ill-formed bytes become U+FFFD, one per maximal ill-formed subpart (the Unicode / WHATWG practice,
 * as Python's decoder; {@code new String(bytes, UTF_8)} agrees except that it replaces an encoded surrogate
 * {@code ED A0..BF} as one unit), and are reported to an optional listener with their byte offset.
 *
 * <pre>{@code
 * Utf8StreamDecoder d = new Utf8StreamDecoder();
 * for (int id : generated) out.print(d.feed(tok.tokenBytes(prev, id)));   // prints whole characters only
 * out.print(d.finish());
 * }</pre>
 */
public final class Utf8StreamDecoder {
    /** Told about each ill-formed sequence replaced by U+FFFD. */
    public interface MalformedListener {
        void malformed(long byteOffset);
    }

    private final MalformedListener listener;
    private final StringBuilder scratch = new StringBuilder();
    private int pending;      // bytes of the current sequence seen so far
    private int need;         // total bytes of the current sequence
    private int cp;           // code point being assembled
    private int lower = 0x80; // allowed range of the next continuation byte
    private int upper = 0xBF;
    private long offset;      // bytes consumed in total
    private long seqStart;    // offset of the current sequence's first byte
    private long malformed;

    public Utf8StreamDecoder() {
        this(null);
    }

    public Utf8StreamDecoder(MalformedListener listener) {
        this.listener = listener;
    }

    /** Decode {@code bytes} and return the complete characters they finish. */
    public String feed(byte[] bytes) {
        scratch.setLength(0);
        feed(bytes, 0, bytes.length, scratch);
        return scratch.toString();
    }

    /** Decode {@code b[off, off+len)}, appending complete characters to {@code out}. */
    public void feed(byte[] b, int off, int len, StringBuilder out) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            int x = b[i] & 0xFF;
            if (need == 0 && x < 0x80) { // ASCII run: the common case, appended in bulk
                int j = i + 1;
                while (j < end && b[j] >= 0) {
                    j++;
                }
                appendAscii(out, b, i, j);
                offset += j - i;
                i = j - 1;
                continue;
            }
            if (need == 0) {
                seqStart = offset;
                if (x < 0x80) {
                    out.append((char) x);
                } else if (x >= 0xC2 && x <= 0xDF) {
                    start(2, x & 0x1F, 0x80, 0xBF);
                } else if (x >= 0xE0 && x <= 0xEF) {
                    start(3, x & 0x0F, x == 0xE0 ? 0xA0 : 0x80, x == 0xED ? 0x9F : 0xBF);
                } else if (x >= 0xF0 && x <= 0xF4) {
                    start(4, x & 0x07, x == 0xF0 ? 0x90 : 0x80, x == 0xF4 ? 0x8F : 0xBF);
                } else {
                    bad(out);
                }
                offset++;
                continue;
            }
            if (x < lower || x > upper) {
                // the sequence so far is one maximal ill-formed subpart; this byte starts afresh
                bad(out);
                i--;
                continue;
            }
            lower = 0x80;
            upper = 0xBF;
            cp = (cp << 6) | (x & 0x3F);
            pending++;
            offset++;
            if (pending == need) {
                out.appendCodePoint(cp);
                need = 0;
                pending = 0;
            }
        }
    }

    private char[] chars = new char[256];

    private void appendAscii(StringBuilder out, byte[] b, int from, int to) {
        int n = to - from;
        if (chars.length < n) {
            chars = new char[Math.max(n, chars.length * 2)];
        }
        for (int k = 0; k < n; k++) {
            chars[k] = (char) b[from + k];
        }
        out.append(chars, 0, n);
    }

    private void start(int n, int bits, int lo, int hi) {
        need = n;
        pending = 1;
        cp = bits;
        lower = lo;
        upper = hi;
    }

    private void bad(StringBuilder out) {
        out.append('\uFFFD');
        malformed++;
        if (listener != null) {
            listener.malformed(seqStart);
        }
        need = 0;
        pending = 0;
        lower = 0x80;
        upper = 0xBF;
    }

    /** End of stream: an unfinished sequence becomes U+FFFD. Returns what is left to print (usually ""). */
    public String finish() {
        scratch.setLength(0);
        finish(scratch);
        return scratch.toString();
    }

    public void finish(StringBuilder out) {
        if (need > 0) {
            bad(out);
        }
    }

    /** True while a character is incomplete (bytes held back). */
    public boolean hasPending() {
        return need > 0;
    }

    /** Number of U+FFFD replacements so far. */
    public long malformedCount() {
        return malformed;
    }

    /** Bytes consumed so far. */
    public long byteOffset() {
        return offset;
    }
}
