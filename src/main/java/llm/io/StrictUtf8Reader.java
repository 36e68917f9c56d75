package llm.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import llm.UserException;

/**
 * UTF-8 text of a stream that must be text (a chat transcript, few-shot examples): the first ill-formed byte ends the
 * read with {@code name: not UTF-8 text (byte N)}, N counted from 0 in the (decompressed) stream. The JDK's
 * {@code MalformedInputException} says only {@code Input length = 1}, and an {@code InputStreamReader} reads ahead, so
 * it cannot say where: this reader drives the JDK's decoder itself and knows the offset of every byte it hands over.
 */
public final class StrictUtf8Reader extends Reader {
    private final InputStream in;
    private final String name;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip(); // read mode: [position, limit) not decoded
    private final CharBuffer chars = CharBuffer.allocate(1 << 14).flip();
    private long base; // stream offset of bytes.array()[0]
    private boolean eof;
    private boolean flushed;

    public StrictUtf8Reader(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    /** All of {@code in} as a string (for small inputs such as a transcript). */
    public static String readAll(InputStream in, String name) throws IOException {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[1 << 14];
        try (Reader r = new StrictUtf8Reader(in, name)) {
            for (int n; (n = r.read(buf)) > 0; ) {
                sb.append(buf, 0, n);
            }
        }
        return sb.toString();
    }

    @Override
    public int read(char[] dst, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (flushed) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, chars.remaining());
        chars.get(dst, off, n);
        return n;
    }

    /** Decode more characters into {@link #chars} (empty on entry), reading bytes as needed. */
    private void fill() throws IOException {
        chars.clear();
        try {
            while (chars.position() == 0) {
                CoderResult r = decoder.decode(bytes, chars, eof);
                if (r.isError() && chars.position() > 0) {
                    break; // the characters before the bad byte first (a parser ends what they complete); then this
                }
                if (r.isError()) {
                    throw UserException.runtime(Inputs.displayName(name) + ": not UTF-8 text (byte "
                            + (base + bytes.position()) + ")");
                }
                if (r.isOverflow() || chars.position() > 0) {
                    break;
                }
                if (eof) {
                    decoder.flush(chars);
                    flushed = true;
                    break;
                }
                base += bytes.position();
                bytes.compact();
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    eof = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
            }
        } finally {
            chars.flip();
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
