package llm.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import llm.UserException;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Opens inputs named on the command line: {@code -} is stdin; .gz/.bz2/.xz/.zst are decompressed by content.
 *
 * <p>Stdin, pipes and process substitutions ({@code <(cmd)}, {@code /dev/fd/N}) can be read once only: every format
 * check here looks at their first bytes through a buffer ({@code mark}/{@code reset}), never by opening them again.
 * A reader that needs two passes over such an input asks for {@link #replayable} first, which keeps a copy in a
 * temporary file (deleted at exit) that later {@link #open} calls of the same name read instead.
 */
public final class Inputs {
    /** The name that means standard input. */
    public static final String STDIN = "-";

    /** Whether stdin (and stdout) are a terminal; replaced by tests. */
    static java.util.function.BooleanSupplier stdinIsTerminal = () -> System.console() != null;

    /** Copies of one-pass inputs, by name and identity (System.in, or the pipe's file key). */
    private record SpoolKey(String name, Object identity) {}

    private static final Map<SpoolKey, Path> SPOOLS = new ConcurrentHashMap<>();

    private Inputs() {}

    /**
     * Whether stdin is not a terminal and has bytes waiting to be read now ({@code echo text | llm sample}): for a
     * warning that a command which reads stdin only when asked is ignoring it. Never blocks.
     */
    public static boolean stdinHasWaitingData() {
        if (stdinIsTerminal.getAsBoolean()) {
            return false;
        }
        try {
            // the descriptor itself when System.in is the JVM's own (a plain BufferedInputStream on fd 0): its
            // available() waits for the stream's lock, which a thread blocked reading it holds (a test runner reads
            // stdin so); a stream a test put there instead is asked directly
            boolean jvms = System.in.getClass() == BufferedInputStream.class;
            InputStream in = jvms ? new FileInputStream(FileDescriptor.in) : System.in;
            return in.available() > 0; // (not closed: that would close fd 0)
        } catch (IOException e) {
            return false; // closed
        }
    }

    /** Open {@code name} ("-" for stdin), decompressing when the content is compressed. */
    public static InputStream open(String name) {
        return decompressed(new BufferedInputStream(openRaw(name), 1 << 16), name);
    }

    /**
     * {@link #open}, for a reader that has nothing to add to a read error: a failed read (a truncated or corrupt
     * compressed file, stdin that is a directory) throws a one-line {@link UserException} that names the input,
     * {@code wt.gz: unexpected end of compressed data (truncated file?)}, instead of an {@link IOException}.
     */
    public static InputStream openNamed(String name) {
        return new FailureFilterInputStream(open(name)) {
            @Override
            protected IOException failed(IOException e) {
                throw readError(name, e); // unchecked: the reader never sees an IOException
            }

            @Override
            public void reset() throws IOException {
                try {
                    super.reset();
                } catch (IOException e) {
                    throw readError(name, e);
                }
            }
        };
    }

    /** {@code name: why}, a one-line runtime error for a failed read of input {@code name} ("-" is stdin). */
    public static UserException readError(String name, IOException e) {
        return UserException.runtime(displayName(name) + ": " + reason(e), e);
    }

    /** The bytes of {@code name} as stored (not decompressed): a kept copy when {@link #replayable} made one. */
    private static InputStream openRaw(String name) {
        Path copy = isStream(name) ? SPOOLS.get(spoolKey(name)) : null;
        if (copy != null) {
            try {
                return Files.newInputStream(copy);
            } catch (IOException e) {
                throw UserException.runtime(name + ": cannot read its copy " + copy + ": " + reason(e));
            }
        }
        if (STDIN.equals(name)) {
            if (stdinIsTerminal.getAsBoolean()) { // else a first-time user sees a command that seems to hang
                Log.info("reading stdin from the terminal (Ctrl-D to end)");
            }
            // not closed with the stream: a second '-' then reads the end of input, as `cat - -` does, instead of
            // failing on a closed stream
            return new FilterInputStream(System.in) {
                @Override
                public void close() {}
            };
        }
        Path p = Path.of(name);
        if (Files.isDirectory(p)) {
            throw UserException.runtime(name + ": is a directory");
        }
        try {
            // Pipes and process substitutions (/dev/fd/N) are not seekable: read them as plain streams.
            return Files.isRegularFile(p) ? Files.newInputStream(p) : new java.io.FileInputStream(p.toFile());
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw UserException.runtime(name + ": " + (Files.isSymbolicLink(p) ? "broken symbolic link (its target "
                    + "does not exist)" : "no such file"));
        } catch (IOException e) {
            throw UserException.runtime(name + ": cannot read: " + reason(e));
        }
    }

    /**
     * Is {@code name} an input that can be read only once: stdin ({@code -}), a pipe, a process substitution, a
     * device? (A regular file or a directory is not; nor is a name that does not exist.)
     */
    public static boolean isStream(String name) {
        if (STDIN.equals(name)) {
            return true;
        }
        Path p = Path.of(name);
        return Files.exists(p) && !Files.isRegularFile(p) && !Files.isDirectory(p);
    }

    /**
     * A path that can be read as often as needed with the content of {@code name}: {@code name} itself for a file or
     * directory; for a one-pass input ({@link #isStream}) a copy of all its bytes (as stored, compressed or not) in a
     * temporary file, made on the first call and deleted when the JVM exits; later {@link #open} calls of
     * {@code name} read that copy.
     */
    public static Path replayable(String name) {
        if (!isStream(name)) {
            return Path.of(name);
        }
        SpoolKey key = spoolKey(name);
        synchronized (SPOOLS) {
            Path have = SPOOLS.get(key);
            if (have != null) {
                return have;
            }
            Path tmp;
            try {
                tmp = Files.createTempFile("llm-input-", ".tmp");
            } catch (IOException e) {
                throw UserException.runtime(name + ": cannot keep a copy for a second pass: cannot create a temporary"
                        + " file in " + System.getProperty("java.io.tmpdir") + ": " + reason(e));
            }
            tmp.toFile().deleteOnExit();
            long t0 = System.nanoTime();
            long bytes;
            try (InputStream in = openRaw(name); OutputStream out = Files.newOutputStream(tmp)) {
                bytes = in.transferTo(out);
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // deleted at exit
                }
                throw UserException.runtime(name + ": cannot keep a copy in " + tmp + " for a second pass: "
                        + reason(e));
            }
            Log.debug("%s: kept a copy of its %,d bytes in %s for a second pass (%.1f s)", displayName(name), bytes,
                    tmp, (System.nanoTime() - t0) / 1e9);
            SPOOLS.put(key, tmp);
            return tmp;
        }
    }

    /** {@code "stdin"} for {@code -}, else the name. */
    public static String displayName(String name) {
        return STDIN.equals(name) ? "stdin" : name;
    }

    private static SpoolKey spoolKey(String name) {
        if (STDIN.equals(name)) {
            return new SpoolKey(name, System.in);
        }
        Object id = null;
        try {
            id = Files.readAttributes(Path.of(name), BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            // no key: the name alone
        }
        return new SpoolKey(name, id == null ? name : id);
    }

    /**
     * The memory a decompressor may claim (xz, lzma, Z: the dictionary size their header states, allocated before a
     * byte is read): 256 MiB, 4× what {@code xz -9} uses. A few bytes of header could otherwise claim 1.5 GiB.
     */
    static final int MAX_DECODER_KB = 256 << 10;

    /** Wrap {@code in} in a decompressor when its first bytes say it is compressed. */
    public static InputStream decompressed(BufferedInputStream in, String name) {
        String kind;
        try {
            if (!mayBeCompressed(in)) {
                return in;
            }
            kind = CompressorStreamFactory.detect(in);
        } catch (CompressorException e) {
            return in; // not compressed (or too short to tell)
        }
        if (CompressorStreamFactory.BZIP2.equals(kind) && startsWithBzip2Block(in)) {
            // the same bytes as the sequential decoder below, on all cores when the file is several streams
            return new BufferedInputStream(new Truncation(new ParallelBzip2InputStream(in)), 1 << 16);
        }
        try {
            return new BufferedInputStream(new Truncation(new CompressorStreamFactory(true, MAX_DECODER_KB)
                    .createCompressorInputStream(kind, in)), 1 << 16);
        } catch (CompressorException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw UserException.runtime(name + ": cannot decompress " + kind + ": " + (truncation(c) ? TRUNCATED
                    : reason(c)));
        } catch (NoClassDefFoundError e) {
            throw UserException.runtime(name + ": " + kind + " compression is not supported in this build");
        }
    }

    /**
     * Whether {@code in} (not consumed) starts with a bzip2 stream header and its first block's magic: what the
     * parallel decoder cuts at. Anything else (an empty stream, a bad header) keeps the sequential decoder and its
     * errors.
     */
    private static boolean startsWithBzip2Block(BufferedInputStream in) {
        try {
            in.mark(10);
            byte[] h = in.readNBytes(10);
            in.reset();
            return h.length == 10 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] >= '1' && h[3] <= '9'
                    && h[4] == 0x31 && h[5] == 0x41 && h[6] == 0x59 && h[7] == 0x26 && h[8] == 0x53 && h[9] == 0x59;
        } catch (IOException e) {
            return false; // the sequential decoder reports it
        }
    }

    /**
     * How the formats commons-compress detects begin: gzip and Z (1F), bzip2, xz, zstd (and its skippable frames:
     * 50–5F, then 2A 4D 18; an entry −0x50 matches a byte 0x50–0x5F), lz4, lzma, pack200, framed snappy, zlib (78).
     */
    private static final int[][] SIGNATURES = {{0x1F}, {'B', 'Z', 'h'}, {0xFD, '7', 'z', 'X', 'Z', 0}, {0x28, 0xB5,
        0x2F, 0xFD}, {-0x50, 0x2A, 0x4D, 0x18}, {0x04, 0x22, 0x4D, 0x18}, {0x5D, 0, 0}, {0xCA, 0xFE, 0xD0, 0x0D},
        {0xFF, 0x06, 0, 0}, {0x78}};

    /**
     * Whether the bytes of {@code in} that have arrived (at least one; not consumed) may begin compressed data. The
     * library's own check reads 12 bytes, and so waited on a pipe whose first line is shorter (an id typed into
     * {@code llm tokenize --decode}) until 12 bytes more came; where fewer have arrived, bytes that begin no
     * compressed format's signature settle it.
     */
    static boolean mayBeCompressed(BufferedInputStream in) {
        byte[] head;
        try {
            head = arrived(in, 12);
        } catch (IOException e) {
            return true; // the library's check meets the same failure, and says so as before
        }
        int n = head.length;
        if (n == 12) {
            return true; // the library decides
        }
        for (int[] sig : SIGNATURES) {
            boolean prefix = n > 0; // (an empty input is not compressed)
            for (int i = 0; i < Math.min(n, sig.length) && prefix; i++) {
                int b = head[i] & 0xFF;
                prefix = sig[i] < 0 ? (b & 0xF0) == -sig[i] : b == sig[i];
            }
            if (prefix) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first bytes of {@code in} (a mark-supporting stream; not consumed) that have arrived: at least one (none at
     * the end), at most {@code max} — without waiting on a pipe for more than its writer has sent.
     */
    public static byte[] arrived(BufferedInputStream in, int max) throws IOException {
        byte[] head = new byte[max];
        int n = 0;
        in.mark(max);
        do {
            int r = in.read(head, n, max - n);
            if (r < 0) {
                break;
            }
            n += r;
        } while (n < max && in.available() > 0);
        in.reset();
        return n == max ? head : java.util.Arrays.copyOf(head, n);
    }

    /** Whether the first bytes of {@code in} (a mark-supporting stream; not consumed) say it is compressed. */
    public static boolean isCompressed(BufferedInputStream in) {
        try {
            if (!mayBeCompressed(in)) {
                return false;
            }
            CompressorStreamFactory.detect(in);
            return true;
        } catch (CompressorException e) {
            return false;
        }
    }

    public static final String TRUNCATED = "unexpected end of compressed data (truncated file?)";

    /**
     * Does {@code e} say that compressed data ended early: an {@link EOFException} (gzip's and xz's have no message),
     * bzip2's "Unexpected end of stream", zstd's "Truncated source"?
     */
    private static boolean truncation(Throwable e) {
        if (e instanceof EOFException) {
            return true;
        }
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        return m.contains("end of stream") || m.contains("end of input") || m.contains("truncated");
    }

    /**
     * Decompressors end a truncated stream with an exception that has no message (gzip's {@link EOFException}, for
     * one) or one in their own words: give it one that says what happened.
     */
    private static final class Truncation extends FailureFilterInputStream {
        Truncation(InputStream in) {
            super(in);
        }

        @Override
        protected IOException failed(IOException e) {
            if (truncation(e)) {
                IOException x = new EOFException(TRUNCATED);
                x.initCause(e);
                return x;
            }
            return e;
        }
    }

    /**
     * What went wrong, for a one-line message that names the file itself: the exception's message, or — when it has
     * none, as an {@link EOFException} often does, or only a path — a description of its type; never "null".
     */
    public static String reason(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        if (e instanceof java.io.UncheckedIOException && e.getCause() != null) {
            return reason(e.getCause()); // its own message is the cause's class and message
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.FileSystemException f) { // its message is just the path
            return f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
        }
        String m = e.getMessage();
        if (m != null && !m.isBlank() && !"null".equals(m)) {
            return m;
        }
        if (e instanceof EOFException) {
            return "unexpected end of file (truncated?)";
        }
        if (e.getCause() != null && e.getCause() != e) {
            return reason(e.getCause());
        }
        String type = e.getClass().getSimpleName();
        return type.isEmpty() ? e.getClass().getName() : type + " (no details)";
    }
}
