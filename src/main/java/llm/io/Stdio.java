package llm.io;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The process's standard output as a stream that reports a closed pipe instead of swallowing it.
 * {@link System#out} hides write errors, so {@code llm sample -n 100000 | head -1} would otherwise run to the end;
 * here the first failed write throws {@link ClosedPipeException}, which the CLI turns into a quiet exit 0.
 */
public final class Stdio {
    private static OutputStream stdout = pipeAware(new FileOutputStream(FileDescriptor.out));
    private static Boolean terminal; // null: ask the JVM

    private Stdio() {}

    /** Binary standard output (token shards, raw bytes). Buffer it yourself; flush before returning. */
    public static synchronized OutputStream stdout() {
        return stdout;
    }

    /** Replace standard output (tests capture binary output this way). */
    public static synchronized void setStdout(OutputStream out) {
        setStdout(out, false);
    }

    /** Replace standard output, as a terminal or not (tests). */
    public static synchronized void setStdout(OutputStream out, boolean isTerminal) {
        stdout = pipeAware(out);
        terminal = isTerminal;
    }

    /** Whether standard output is a terminal (as far as Java tells: stdin and stdout both are). */
    public static synchronized boolean stdoutIsTerminal() {
        return terminal == null ? System.console() != null : terminal;
    }

    /** A UTF-8 writer on standard output that throws {@link ClosedPipeException} when the reader is gone. */
    public static PrintWriter textOut() {
        return new PrintWriter(new OutputStreamWriter(stdout(), StandardCharsets.UTF_8), true);
    }

    static OutputStream pipeAware(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw new ClosedPipeException(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new ClosedPipeException(e);
                }
            }

            @Override
            public void flush() {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw new ClosedPipeException(e);
                }
            }
        };
    }
}
