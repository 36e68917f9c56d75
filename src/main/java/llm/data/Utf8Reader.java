package llm.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import llm.tokenizer.Utf8StreamDecoder;

/**
 * UTF-8 text of a stream that replaces ill-formed bytes with U+FFFD, as {@code llm tokenize} does (one per maximal
 * ill-formed subpart, {@link Utf8StreamDecoder}), and counts them, so that the reader can say how many there were.
 */
public final class Utf8Reader extends Reader {
    private final InputStream in;
    private final Utf8StreamDecoder decoder = new Utf8StreamDecoder();
    private final byte[] bytes = new byte[1 << 16];
    private final StringBuilder chars = new StringBuilder();
    private int at; // chars[0, at) were handed out
    private boolean eof;
    private long bytesRead;

    public Utf8Reader(InputStream in) {
        this.in = in;
    }

    /** Bytes read from the stream so far (what a U+FFFD replaced counts as the bytes it was). */
    public long bytesRead() {
        return bytesRead;
    }

    /** U+FFFD replacements so far. */
    public long malformed() {
        return decoder.malformedCount();
    }

    @Override
    public int read(char[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (at == chars.length()) {
            if (eof) {
                return -1;
            }
            chars.setLength(0);
            at = 0;
            int n = in.read(bytes);
            if (n < 0) {
                eof = true;
                decoder.finish(chars);
            } else {
                bytesRead += n;
                decoder.feed(bytes, 0, n, chars);
            }
        }
        int n = Math.min(len, chars.length() - at);
        chars.getChars(at, at + n, dst, off);
        at += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
