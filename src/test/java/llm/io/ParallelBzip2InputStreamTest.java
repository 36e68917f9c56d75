package llm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;

/** Multistream bzip2 on several cores: the same bytes, and the same errors, as one sequential decoder. */
class ParallelBzip2InputStreamTest {
    /** Text that compresses like prose: words drawn from a small vocabulary. */
    static byte[] text(int bytes, long seed) {
        String[] words = {"the", "aardvark", "digs", "for", "termites", "at", "night", "and", "sleeps", "by", "day",
                "in", "a", "burrow", "中文", "維基百科", "\n"};
        Random r = new Random(seed);
        ByteArrayOutputStream b = new ByteArrayOutputStream(bytes + 16);
        while (b.size() < bytes) {
            b.writeBytes((words[r.nextInt(words.length)] + " ").getBytes(StandardCharsets.UTF_8));
        }
        return Arrays.copyOf(b.toByteArray(), bytes);
    }

    static byte[] bzip2(byte[] data, int blockSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream z = new BZip2CompressorOutputStream(out, blockSize)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    /** Each part its own bzip2 stream, the streams concatenated (Wikimedia's multistream form). */
    static byte[] multistream(byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(bzip2(p, 1));
        }
        return out.toByteArray();
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[][] parts(int n, int bytes) {
        byte[][] parts = new byte[n][];
        for (int i = 0; i < n; i++) {
            parts[i] = text(bytes + 1000 * i, i);
        }
        return parts;
    }

    @Test
    void multistreamEqualsItsSingleStreamForm() throws IOException {
        byte[][] parts = parts(9, 150_000); // 9 streams, several 100k blocks each
        byte[] all = concat(parts);
        byte[] multi = multistream(parts);
        byte[] single = bzip2(all, 9);
        assertArrayEquals(all, readAll(new ParallelBzip2InputStream(new ByteArrayInputStream(multi), 3, 1 << 20,
                1 << 20)));
        assertArrayEquals(all, readAll(new ParallelBzip2InputStream(new ByteArrayInputStream(single))));
        assertArrayEquals(all, readAll(new ParallelBzip2InputStream(new ByteArrayInputStream(multi))));
        // through Inputs, as every command reads a .bz2
        java.nio.file.Path f = java.nio.file.Files.createTempFile("multi", ".xml.bz2");
        try {
            java.nio.file.Files.write(f, multi);
            assertArrayEquals(all, readAll(Inputs.open(f.toString())));
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void boundsFallBackToOneDecoderWithTheSameBytes() throws IOException {
        byte[][] parts = parts(5, 60_000);
        byte[] all = concat(parts);
        byte[] multi = multistream(parts);
        // no stream start within 1 KiB: sequential from the start
        assertArrayEquals(all, readAll(new ParallelBzip2InputStream(new ByteArrayInputStream(multi), 2, 1024,
                1 << 20)));
        // output over 10 kB per piece: each piece streamed by its own decoder
        assertArrayEquals(all, readAll(new ParallelBzip2InputStream(new ByteArrayInputStream(multi), 2, 1 << 20,
                10_000)));
        // a stream of 3 MB of zeros in 80-odd compressed bytes (a bomb's shape): streamed, not held
        byte[] zeros = new byte[3_000_000];
        byte[] bomb = concat(bzip2(parts[0], 1), bzip2(zeros, 9), bzip2(parts[1], 1));
        assertArrayEquals(concat(parts[0], zeros, parts[1]), readAll(new ParallelBzip2InputStream(
                new ByteArrayInputStream(bomb), 2, 1 << 20, 1 << 20)));
    }

    /** What a sequential decoder gives before it fails, and its error. */
    record Outcome(byte[] bytes, String error) {}

    static Outcome outcome(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
            return new Outcome(out.toByteArray(), null);
        } catch (IOException e) {
            return new Outcome(out.toByteArray(), e.getMessage());
        }
    }

    @Test
    void aBrokenMiddleStreamGivesWhatTheSequentialDecoderGives() throws IOException {
        byte[][] parts = parts(4, 120_000);
        byte[] a = bzip2(parts[0], 1);
        byte[] b = bzip2(parts[1], 1);
        byte[] c = bzip2(parts[2], 1);
        byte[] d = bzip2(parts[3], 1);
        // stream b cut in the middle: its piece fails; from there on one decoder reads, as bzcat would
        byte[] broken = concat(a, Arrays.copyOf(b, b.length / 2), c, d);
        Outcome seq = outcome(new BZip2CompressorInputStream(new ByteArrayInputStream(broken), true));
        Outcome par = outcome(new ParallelBzip2InputStream(new ByteArrayInputStream(broken), 4, 1 << 20, 1 << 20));
        assertEquals("Stream corrupted", seq.error()); // c's header where b's blocks go on
        assertEquals(seq.error(), par.error());
        // as much as the sequential decoder gave (it may lose its last read's bytes to the exception), all of a
        assertPrefix(concat(parts), par.bytes());
        assertPrefix(par.bytes(), seq.bytes());
        assertTrue(par.bytes().length >= parts[0].length, "all of stream a: " + par.bytes().length);
        // a flipped byte in stream c: a CRC or format error, after a and b are out in full
        byte[] flipped = concat(a, b, c, d);
        flipped[a.length + b.length + c.length / 2] ^= 0x55;
        seq = outcome(new BZip2CompressorInputStream(new ByteArrayInputStream(flipped), true));
        par = outcome(new ParallelBzip2InputStream(new ByteArrayInputStream(flipped), 4, 1 << 20, 1 << 20));
        assertTrue(seq.error() != null);
        assertEquals(seq.error(), par.error());
        assertPrefix(concat(parts), par.bytes());
        assertPrefix(par.bytes(), seq.bytes());
        assertTrue(par.bytes().length >= parts[0].length + parts[1].length, "a and b: " + par.bytes().length);
    }

    /** {@code prefix} is the start of {@code all}. */
    static void assertPrefix(byte[] all, byte[] prefix) {
        assertTrue(prefix.length <= all.length, prefix.length + " > " + all.length);
        assertArrayEquals(Arrays.copyOf(all, prefix.length), prefix);
    }

    @Test
    void aTruncatedLastStreamEndsWithTheTruncationErrorAfterTheCompleteStreams() throws IOException {
        byte[][] parts = parts(3, 100_000);
        byte[] multi = multistream(parts);
        byte[] cut = Arrays.copyOf(multi, multi.length - 200);
        java.nio.file.Path f = java.nio.file.Files.createTempFile("cut", ".bz2");
        try {
            java.nio.file.Files.write(f, cut);
            Outcome o = outcome(Inputs.open(f.toString()));
            assertEquals(Inputs.TRUNCATED, o.error());
            assertArrayEquals(concat(parts[0], parts[1]), Arrays.copyOf(o.bytes(), parts[0].length
                    + parts[1].length));
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void trailingGarbageIsTheSequentialDecodersError() throws IOException {
        byte[][] parts = parts(2, 50_000);
        byte[] junk = concat(multistream(parts), "not bzip2 at all".getBytes(StandardCharsets.US_ASCII));
        Outcome seq = outcome(new BZip2CompressorInputStream(new ByteArrayInputStream(junk), true));
        Outcome par = outcome(new ParallelBzip2InputStream(new ByteArrayInputStream(junk)));
        assertEquals("Unexpected data after a valid BZip2 stream", seq.error());
        assertEquals(seq.error(), par.error());
        assertPrefix(concat(parts), par.bytes());
        assertPrefix(par.bytes(), seq.bytes());
        assertThrows(IOException.class, () -> readAll(new ParallelBzip2InputStream(new ByteArrayInputStream(junk))));
    }
}
