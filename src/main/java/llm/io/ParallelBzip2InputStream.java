package llm.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Decompresses bzip2 on all cores when the file is several concatenated bzip2 streams — Wikimedia's
 * {@code pages-articles-multistream} dumps are (100 pages per stream) — and exactly as {@code bzcat} does otherwise.
 *
 * <p>How: the compressed bytes are cut where a stream starts ({@code BZh1}…{@code BZh9} followed by the first
 * block's magic 0x314159265359, byte-aligned, which is where every stream of such a file starts); each piece is
 * decompressed by commons-compress' {@link BZip2CompressorInputStream} on a worker, at most {@link #inFlight} pieces at
 * a time, and read back in order. bzip2 blocks inside a stream are not byte-aligned, so the pattern matches inside
 * compressed data only by chance (about once in 2^80 positions); such a false cut is harmless all the same: a piece
 * counts only when it decodes to its end with every block and stream CRC right and no bytes left over, and the first
 * piece that does not is read again, with all that follows it, by one sequential decoder — which is also how a
 * truncated or corrupt file gets its error (the same exception, at the same point of the output, as a sequential
 * read).
 *
 * <p>Memory is bounded: a piece is at most {@link #MAX_PIECE} compressed bytes (a file with no stream start that
 * often — an ordinary single-stream {@code .bz2} — is decompressed sequentially from there on) and its output is held
 * only up to {@link #MAX_OUTPUT} bytes (a larger one is streamed by one decoder when its turn comes).
 */
public final class ParallelBzip2InputStream extends InputStream {
    /** Compressed bytes of one piece at most; Wikimedia's streams are ~0.1–1 MB. */
    static final int MAX_PIECE = 4 << 20;
    /** Decompressed bytes of one piece held in memory at most. */
    static final int MAX_OUTPUT = 16 << 20;

    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "bzip2-worker");
        t.setDaemon(true);
        return t;
    });

    /** One cut of the compressed file and its decoding. */
    private record Piece(byte[] compressed, Future<Decoded> decoded) {}

    /** A piece's output: {@code bytes} when it decoded completely, else why not ({@code tooBig} or failed). */
    private record Decoded(byte[] bytes, int length, boolean tooBig) {
        static final Decoded FAILED = new Decoded(null, 0, false);
        static final Decoded TOO_BIG = new Decoded(null, 0, true);
    }

    private final Splitter splitter;
    private final int inFlight;
    private final int maxOutput;
    private final Deque<Piece> pieces = new ArrayDeque<>();
    private InputStream current = InputStream.nullInputStream();
    /** Set while a too-big piece is streamed: that piece, to read it again with what follows if it fails. */
    private Piece streaming;
    private long streamed;
    private boolean sequential;

    /** {@code compressed}: the file from its first byte ({@code BZh}…). */
    public ParallelBzip2InputStream(InputStream compressed) {
        this(compressed, 2 * THREADS, MAX_PIECE, MAX_OUTPUT);
    }

    /** With other bounds (for tests): pieces in flight, compressed bytes per piece, output bytes held per piece. */
    ParallelBzip2InputStream(InputStream compressed, int inFlight, int maxPiece, int maxOutput) {
        this.splitter = new Splitter(compressed, maxPiece);
        this.inFlight = Math.max(1, inFlight);
        this.maxOutput = maxOutput;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n;
            try {
                n = current.read(b, off, len);
            } catch (IOException e) {
                if (streaming == null) {
                    throw e;
                }
                restartSequential(streaming, streamed); // a too-big piece that was cut in the wrong place
                continue;
            }
            if (n >= 0) {
                if (streaming != null) {
                    streamed += n;
                }
                return n;
            }
            streaming = null;
            if (sequential || !nextPiece()) {
                return -1;
            }
        }
    }

    /** Make the next piece's output {@link #current}; false at the end of the file. */
    private boolean nextPiece() throws IOException {
        while (pieces.size() < inFlight) {
            byte[] c = splitter.next();
            if (c == null) {
                break;
            }
            pieces.add(new Piece(c, POOL.submit(() -> decode(c, maxOutput))));
        }
        Piece p = pieces.poll();
        if (p == null) {
            InputStream rest = splitter.rest();
            if (rest == null) {
                return false;
            }
            current = decoder(rest); // no stream start for MAX_PIECE bytes: one stream, read as bzcat would
            sequential = true;
            return true;
        }
        Decoded d = await(p);
        if (d.bytes != null) {
            current = new ByteArrayInputStream(d.bytes, 0, d.length);
        } else if (d.tooBig) {
            current = decoder(new ByteArrayInputStream(p.compressed));
            streaming = p;
            streamed = 0;
        } else {
            restartSequential(p, 0);
        }
        return true;
    }

    /** From piece {@code p} on, read everything with one decoder, skipping the {@code skip} bytes already given out. */
    private void restartSequential(Piece p, long skip) throws IOException {
        List<InputStream> parts = new ArrayList<>();
        parts.add(new ByteArrayInputStream(p.compressed));
        for (Piece q : pieces) {
            q.decoded.cancel(true);
            parts.add(new ByteArrayInputStream(q.compressed));
        }
        pieces.clear();
        InputStream rest = splitter.rest();
        if (rest != null) {
            parts.add(rest);
        }
        current = decoder(new SequenceInputStream(Collections.enumeration(parts)));
        streaming = null;
        sequential = true;
        current.skipNBytes(skip);
    }

    private static Decoded await(Piece p) throws IOException {
        try {
            return p.decoded.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while decompressing");
        } catch (ExecutionException e) {
            return Decoded.FAILED; // read again sequentially: that read reports the error, if there is one
        }
    }

    /** A decoder of concatenated streams, as {@link Inputs} uses for a sequential read. */
    private static InputStream decoder(InputStream compressed) throws IOException {
        return new BZip2CompressorInputStream(compressed, true);
    }

    /** Decode one piece completely in memory, or say why not. */
    static Decoded decode(byte[] compressed, int maxOutput) {
        ByteArrayInputStream src = new ByteArrayInputStream(compressed);
        byte[] out = new byte[Math.min(maxOutput, Math.max(1 << 16, compressed.length * 6))];
        int len = 0;
        try (InputStream in = decoder(src)) {
            for (int n; (n = in.read(out, len, Math.min(out.length - len, 1 << 16))) >= 0; ) {
                len += n;
                if (len == out.length) {
                    if (out.length == maxOutput) {
                        return in.read() < 0 && src.available() == 0 ? new Decoded(out, len, false)
                                : Decoded.TOO_BIG;
                    }
                    out = Arrays.copyOf(out, Math.min(maxOutput, out.length * 2));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Decoded.FAILED;
        }
        return src.available() == 0 ? new Decoded(out, len, false) : Decoded.FAILED;
    }

    /**
     * Where each bzip2 stream of {@code compressed} (a file from its first byte) starts, found by the same scan as the
     * parallel read (so a false match is possible, about once in 2^80 positions; a decoder of the range then fails
     * on its CRC): byte offsets, the first 0; null when some stream is longer than {@link #MAX_PIECE} compressed
     * bytes (an ordinary single-stream file: it can only be read from its start). Reads {@code compressed} to its
     * end, holding at most one stream; does not close it.
     */
    public static long[] streamStarts(InputStream compressed) throws IOException {
        Splitter s = new Splitter(compressed, MAX_PIECE);
        List<Long> starts = new ArrayList<>();
        long at = 0;
        for (int n; (n = s.skip()) > 0; at += n) {
            starts.add(at);
        }
        return s.gaveUp ? null : starts.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public void close() throws IOException {
        for (Piece q : pieces) {
            q.decoded.cancel(true);
        }
        pieces.clear();
        try {
            current.close();
        } finally {
            splitter.close();
        }
    }

    /** Cuts the compressed bytes where a bzip2 stream starts. */
    static final class Splitter {
        private static final byte[] BLOCK_MAGIC = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
        private final InputStream raw;
        private final int maxPiece;
        private byte[] buf = new byte[1 << 17];
        private int len;
        private int scanned; // positions before this one hold no stream start (past the piece's own at 0)
        private boolean eof;
        private boolean gaveUp;

        Splitter(InputStream raw, int maxPiece) {
            this.raw = raw;
            this.maxPiece = maxPiece;
        }

        /** The next piece, one stream (or more); null at the end or when none was found within MAX_PIECE bytes. */
        byte[] next() throws IOException {
            int at = nextCut();
            return at < 0 ? null : cut(at);
        }

        /** As {@link #next}, but the piece's length only (its bytes dropped); -1 where next gives null. */
        int skip() throws IOException {
            int at = nextCut();
            if (at >= 0) {
                drop(at);
            }
            return at;
        }

        /** Where the current piece ends, or -1 (at the end, or given up). */
        private int nextCut() throws IOException {
            if (gaveUp) {
                return -1;
            }
            while (true) {
                int at = find(Math.max(1, scanned));
                if (at > 0) {
                    return at;
                }
                scanned = Math.max(1, len - 9);
                if (eof) {
                    return len == 0 ? -1 : len;
                }
                if (len >= maxPiece) {
                    gaveUp = true;
                    return -1;
                }
                fill();
            }
        }

        /** The bytes not yet cut, then the rest of the input (null when there are none); the splitter is done. */
        InputStream rest() {
            if (eof && len == 0) {
                return null;
            }
            gaveUp = true;
            eof = true;
            InputStream r = new SequenceInputStream(new ByteArrayInputStream(buf, 0, len), raw);
            buf = new byte[0];
            len = 0;
            return r;
        }

        void close() throws IOException {
            raw.close();
        }

        private byte[] cut(int at) {
            byte[] piece = Arrays.copyOf(buf, at);
            drop(at);
            return piece;
        }

        private void drop(int at) {
            System.arraycopy(buf, at, buf, 0, len - at);
            len -= at;
            scanned = 1;
        }

        private void fill() throws IOException {
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int n = raw.read(buf, len, buf.length - len);
            if (n < 0) {
                eof = true;
            } else {
                len += n;
            }
        }

        /** The first stream start at or after {@code from}, or -1. */
        private int find(int from) {
            for (int i = from; i + 10 <= len; i++) {
                if (buf[i] == 'B' && buf[i + 1] == 'Z' && buf[i + 2] == 'h' && buf[i + 3] >= '1' && buf[i + 3] <= '9'
                        && buf[i + 4] == BLOCK_MAGIC[0] && buf[i + 5] == BLOCK_MAGIC[1] && buf[i + 6] == BLOCK_MAGIC[2]
                        && buf[i + 7] == BLOCK_MAGIC[3] && buf[i + 8] == BLOCK_MAGIC[4]
                        && buf[i + 9] == BLOCK_MAGIC[5]) {
                    return i;
                }
            }
            return -1;
        }
    }
}
