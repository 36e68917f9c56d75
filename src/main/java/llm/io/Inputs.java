package llm.io;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import llm.UserException;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/** Opens inputs named on the command line: {@code -} is stdin; .gz/.bz2/.xz/.zst are decompressed by content. */
public final class Inputs {
    /** Whether stdin (and stdout) are a terminal; replaced by tests. */
    static java.util.function.BooleanSupplier stdinIsTerminal = () -> System.console() != null;

    private Inputs() {}

    /** Open {@code name} ("-" for stdin), decompressing when the content is compressed. */
    public static InputStream open(String name) {
        InputStream raw;
        if ("-".equals(name)) {
            if (stdinIsTerminal.getAsBoolean()) { // else a first-time user sees a command that seems to hang
                Log.info("reading stdin from the terminal (Ctrl-D to end)");
            }
            // not closed with the stream: a second '-' then reads the end of input, as `cat - -` does, instead of
            // failing on a closed stream
            raw = new java.io.FilterInputStream(System.in) {
                @Override
                public void close() {}
            };
        } else {
            Path p = Path.of(name);
            if (Files.isDirectory(p)) {
                throw UserException.runtime(name + ": is a directory");
            }
            try {
                // Pipes and process substitutions (/dev/fd/N) are not seekable: read them as plain streams.
                raw = Files.isRegularFile(p) ? Files.newInputStream(p) : new java.io.FileInputStream(p.toFile());
            } catch (NoSuchFileException | FileNotFoundException e) {
                throw UserException.runtime(name + ": no such file");
            } catch (IOException e) {
                throw UserException.runtime(name + ": cannot read: " + e.getMessage());
            }
        }
        return decompressed(new BufferedInputStream(raw, 1 << 16), name);
    }

    /** Wrap {@code in} in a decompressor when its first bytes say it is compressed. */
    public static InputStream decompressed(BufferedInputStream in, String name) {
        String kind;
        try {
            kind = CompressorStreamFactory.detect(in);
        } catch (CompressorException e) {
            return in; // not compressed (or too short to tell)
        }
        try {
            return new BufferedInputStream(new CompressorStreamFactory(true).createCompressorInputStream(kind, in), 1 << 16);
        } catch (CompressorException e) {
            throw UserException.runtime(name + ": cannot decompress " + kind + ": " + e.getMessage());
        } catch (NoClassDefFoundError e) {
            throw UserException.runtime(name + ": " + kind + " compression is not supported in this build");
        }
    }
}
