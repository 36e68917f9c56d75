package llm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import llm.data.CorpusOptions;
import llm.data.CorpusReader;
import llm.data.DocumentSink;
import llm.eval.memorize.DocumentReader;
import llm.eval.memorize.DocumentSource;
import llm.eval.memorize.Split;
import llm.io.ParallelBzip2Bounds;
import llm.io.ParallelBzip2InputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Tag;

/**
 * MediaWiki dumps as the commands read them: XML bytes told a dump by their content (DumpFormat) and read as articles
 * (DumpReader → Articles) by CorpusReader (train, tokenize) and DocumentSource (memorize-check, score, extract); and
 * the parallel bzip2 decoder of multistream dumps against commons-compress' sequential one.
 */
@Tag("fuzz")
class DumpFuzz {
    /** Decompressed bytes compared per input at most: a few bytes of bzip2 can claim megabytes (a block of runs). */
    private static final int MAX_OUTPUT = 256 << 10;

    /**
     * Any bytes as a document file: a dump when its content says so (else text), read to the end by both readers the
     * commands use. A dump reader error is a UserException after the complete articles; never another exception.
     */
    @FuzzTest
    void dump(byte[] data) throws Exception {
        Contract.holds(() -> {
            try {
                new CorpusReader(CorpusOptions.DEFAULT.withChunkChars(256))
                        .readStream(new ByteArrayInputStream(data), "dump.xml", new Counting());
            } catch (IOException | UncheckedIOException e) {
                // CorpusReader.read: UserException(name + ": cannot read: " + reason)
            }
        });
        Path f = Scratch.file(Scratch.dir(), "dump", data);
        Contract.holds(() -> {
            try (DocumentReader r = DocumentSource.open(f.toString(), Split.NONE, null, null)) {
                while (r.hasNext()) {
                    if (r.next().text() == null) {
                        throw new AssertionError("a document without text");
                    }
                }
            } catch (UncheckedIOException e) {
                // a read error of a non-dump input (e.g. a bzip2 CRC error): "FILE: reason", which the commands
                // print as one line with exit 1 (llm.run.DocumentLoop); anything else still escapes
                if (!(e.getCause() instanceof IOException) || !e.getMessage().startsWith(f.toString() + ": ")) {
                    throw e;
                }
            }
        });
    }

    /**
     * A bzip2 file as Inputs hands it to the parallel decoder (it starts with a stream header and a block's magic):
     * the same bytes as commons-compress' sequential decoder of concatenated streams, or the same failure (an
     * IOException of the same class, after the same bytes). Anything else escaping either is a finding too.
     */
    @FuzzTest
    void bzip2(byte[] data) throws Exception {
        if (!startsWithBlock(data)) {
            return; // Inputs keeps the sequential decoder for these
        }
        // the sequential decoder reads the first block when it is made (Inputs: a CompressorException then)
        Outcome sequential = drain(() -> new BZip2CompressorInputStream(new ByteArrayInputStream(data), true), 1);
        Outcome parallel = drain(() -> new ParallelBzip2InputStream(new ByteArrayInputStream(data)), 8192);
        if (!sequential.equals(parallel)) {
            throw new AssertionError("parallel " + parallel + " but sequential " + sequential);
        }
        // bounds that tiny inputs cross: pieces cut at 512 compressed bytes, outputs over 4 KiB streamed
        Outcome small = drain(() -> ParallelBzip2Bounds.open(new ByteArrayInputStream(data), 2, 512, 4096), 8192);
        if (!sequential.equals(small)) {
            throw new AssertionError("parallel (small bounds) " + small + " but sequential " + sequential);
        }
    }

    /** What a decoder gave: its bytes (up to MAX_OUTPUT) and the class of the IOException that ended it, if any. */
    private record Outcome(byte[] bytes, String failure) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome x && Arrays.equals(bytes, x.bytes) && java.util.Objects.equals(failure,
                    x.failure);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length + " bytes" + (failure == null ? "" : ", then " + failure);
        }
    }

    /**
     * Read {@code in} in reads of {@code chunk} bytes at most. The sequential reference is read a byte at a time:
     * commons-compress' read(byte[]) drops the bytes it decoded in a call that then fails (at a bad second stream, say),
     * so only single bytes give every byte before the failure.
     */
    private static Outcome drain(Opener open, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[chunk];
        String failure = null;
        try (InputStream in = open.open()) {
            for (int n; out.size() < MAX_OUTPUT && (n = in.read(buf, 0, Math.min(buf.length,
                    MAX_OUTPUT - out.size()))) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            failure = e.getClass().getName();
        }
        return new Outcome(out.toByteArray(), failure);
    }

    private interface Opener {
        InputStream open() throws IOException;
    }

    /** As Inputs.startsWithBzip2Block: "BZh1".."BZh9", then the block magic 0x314159265359. */
    private static boolean startsWithBlock(byte[] h) {
        return h.length >= 10 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] >= '1' && h[3] <= '9'
                && h[4] == 0x31 && h[5] == 0x41 && h[6] == 0x59 && h[7] == 0x26 && h[8] == 0x53 && h[9] == 0x59;
    }

    /** Keeps nothing (as CorpusFuzz's). */
    private static final class Counting implements DocumentSink {
        @Override
        public void start(String name) {
        }

        @Override
        public void text(String chunk) {
        }

        @Override
        public void end() {
        }
    }
}
