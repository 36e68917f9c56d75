package llm.io;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import llm.UserException;

/**
 * The process's standard output as a stream that reports write errors instead of swallowing them.
 * {@link System#out} hides them, so {@code llm sample -n 100000 | head -1} would otherwise run to the end, and
 * {@code llm sample > /dev/full} would lose its output silently. Here a failed write throws: a closed pipe (EPIPE,
 * "Broken pipe") as {@link ClosedPipeException}, which the CLI turns into a quiet exit 0; any other error (a full
 * disk, an I/O error) as a {@link UserException} {@code stdout: No space left on device} (exit 1).
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

    /**
     * A UTF-8 writer on standard output that throws {@link ClosedPipeException} when the reader is gone, and a
     * {@link UserException} on any other write error.
     */
    public static PrintWriter textOut() {
        return new PrintWriter(new OutputStreamWriter(stdout(), StandardCharsets.UTF_8), true);
    }

    /**
     * What a failed write to stdout means: {@link ClosedPipeException} when the reader is gone (EPIPE), else a
     * one-line {@code stdout: <reason>} error.
     */
    public static RuntimeException failure(IOException e) {
        if (isBrokenPipe(e)) {
            return new ClosedPipeException(e);
        }
        return UserException.runtime("stdout: " + Inputs.reason(e), e);
    }

    /** Whether {@code e} (or a cause) is EPIPE: the reading end of the pipe was closed. */
    public static boolean isBrokenPipe(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m != null && (m.toLowerCase(Locale.ROOT).contains("broken pipe") || m.contains("EPIPE"))) {
                return true;
            }
        }
        return false;
    }

    static OutputStream pipeAware(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw failure(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw failure(e);
                }
            }

            @Override
            public void flush() {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw failure(e);
                }
            }
        };
    }
}
