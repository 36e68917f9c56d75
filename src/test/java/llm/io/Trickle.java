package llm.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * A pipe: {@code parts} arrive one read at a time; then its end ({@code ends}), or what would wait for the writer
 * (an exception).
 */
public final class Trickle extends InputStream {
    private final boolean ends;
    private final byte[][] parts;
    private int part, at;
    private boolean readPast;

    public Trickle(boolean ends, byte[]... parts) {
        this.ends = ends;
        this.parts = parts;
    }

    /** Whether a read went past the parts (where a pipe would have waited for its writer). */
    public boolean readPast() {
        return readPast;
    }

    @Override
    public int read() {
        throw new AssertionError("single-byte reads are not used");
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (part == parts.length && ends) {
            return -1;
        } else if (part == parts.length) {
            readPast = true;
            throw new IOException("read on: a pipe would wait for its writer here");
        }
        int n = Math.min(len, parts[part].length - at);
        System.arraycopy(parts[part], at, b, off, n);
        at += n;
        if (at == parts[part].length) {
            part++;
            at = 0;
        }
        return n;
    }
}
