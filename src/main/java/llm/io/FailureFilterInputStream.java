package llm.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream whose read failures (read, read into an array, skip) pass through {@link #failed} on their way
 * out: to explain them, keep them, or rewrap them for a reader that would otherwise swallow or garble them.
 */
public abstract class FailureFilterInputStream extends FilterInputStream {
    protected FailureFilterInputStream(InputStream in) {
        super(in);
    }

    /** The exception to throw for the failure {@code e} of the stream below. */
    protected abstract IOException failed(IOException e);

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            throw failed(e);
        }
    }
}
