package llm.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import llm.UserException;
import llm.io.Futures;

/**
 * Encodes a byte stream of any size in bounded memory, on several threads, with the same ids as encoding the whole
 * text at once. Input is decoded as UTF-8 incrementally; the text is cut into chunks only where the tokenizer allows
 * ({@link Tokenizer#newlineIsBoundary()}: right after a newline between two non-whitespace characters), chunks are
 * encoded in parallel and delivered in order. A tokenizer that allows no cut gets the whole text in one piece.
 */
public final class StreamEncoder implements AutoCloseable {
    /** Receives the ids of consecutive chunks, in order. */
    public interface Sink {
        void accept(int[] ids) throws IOException;
    }

    /** Receives the ids of each line (in {@link #encodeLines} mode), in order. */
    public interface LineSink {
        void accept(int[] ids) throws IOException;

        /**
         * The input has nothing more for now (a pipe whose writer is slower than the encoder): every whole line read
         * so far has been given; a printer flushes here, so that {@code tail -f log | llm tokenize --lines} answers
         * each line as it comes.
         */
        default void idle() throws IOException {}
    }

    private final Tokenizer tok;
    private final boolean specials;
    private final boolean strict;
    private final int chunkChars;
    private final ExecutorService pool;
    private final int inFlight;

    /**
     * @param specials parse special tokens written in the text
     * @param strict   reject invalid UTF-8 (a {@link UserException} naming the byte offset) instead of replacing it
     * @param threads  encoding threads (1 = on the caller's thread)
     * @param chunkChars approximate chunk size in chars
     */
    public StreamEncoder(Tokenizer tok, boolean specials, boolean strict, int threads, int chunkChars) {
        this.tok = tok;
        this.specials = specials;
        this.strict = strict;
        this.chunkChars = Math.max(1024, chunkChars);
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tokenize");
            t.setDaemon(true);
            return t;
        }) : null;
        this.inFlight = Math.max(2, threads * 2);
    }

    public StreamEncoder(Tokenizer tok, boolean specials, boolean strict, int threads) {
        this(tok, specials, strict, threads, 1 << 18);
    }

    /** The outcome of one input: invalid UTF-8 sequences replaced and bytes read. */
    public record Stats(long malformed, long bytes) {}

    private Utf8StreamDecoder decoder(String name) {
        return new Utf8StreamDecoder(strict ? off -> {
            throw UserException.runtime(name + ": invalid UTF-8 at byte " + off + " (--strict)");
        } : null);
    }

    /** Encode the whole of {@code in} as one text; ids go to {@code sink} chunk by chunk. */
    public Stats encode(InputStream in, String name, Sink sink) throws IOException {
        Utf8StreamDecoder dec = decoder(name);
        StringBuilder buf = new StringBuilder();
        byte[] block = new byte[Math.min(1 << 16, chunkChars)];
        ArrayDeque<Future<int[]>> queue = new ArrayDeque<>();
        boolean first = true;
        int scanned = 0; // cut positions below this were looked at already
        int n;
        while ((n = in.read(block)) > 0) {
            dec.feed(block, 0, n, buf);
            if (buf.length() >= chunkChars) {
                int cut = lastCut(tok, buf, scanned);
                scanned = Math.max(0, buf.length() - 1);
                if (cut > 0) {
                    scanned = Math.max(0, scanned - cut);
                    String chunk = buf.substring(0, cut);
                    buf.delete(0, cut);
                    submit(queue, chunk, first, sink);
                    first = false;
                }
            }
        }
        dec.finish(buf);
        if (buf.length() > 0) {
            submit(queue, buf.toString(), first, sink);
        }
        drain(queue, 0, sink);
        return new Stats(dec.malformedCount(), dec.byteOffset());
    }

    /** {@link #encode} framed by special tokens: BOS first and EOS last ({@code bos}/{@code eos} -1: none). */
    public Stats encode(InputStream in, String name, int bos, int eos, Sink sink) throws IOException {
        if (bos >= 0) {
            sink.accept(new int[] {bos});
        }
        Stats st = encode(in, name, sink);
        if (eos >= 0) {
            sink.accept(new int[] {eos});
        }
        return st;
    }

    /** {@link #encodeLines} with each line framed: BOS, its ids, EOS in one array ({@code bos}/{@code eos} -1: none). */
    public Stats encodeLines(InputStream in, String name, int bos, int eos, LineSink sink) throws IOException {
        if (bos < 0 && eos < 0) {
            return encodeLines(in, name, sink);
        }
        return encodeLines(in, name, new LineSink() {
            @Override
            public void accept(int[] ids) throws IOException {
                IntList l = new IntList(ids.length + 2);
                if (bos >= 0) {
                    l.add(bos);
                }
                l.addAll(ids);
                if (eos >= 0) {
                    l.add(eos);
                }
                sink.accept(l.toArray());
            }

            @Override
            public void idle() throws IOException {
                sink.idle();
            }
        });
    }

    /** Encode each line of {@code in} (without its {@code \n}) separately; one {@code sink} call per line. */
    public Stats encodeLines(InputStream in, String name, LineSink sink) throws IOException {
        Utf8StreamDecoder dec = decoder(name);
        StringBuilder buf = new StringBuilder();
        byte[] block = new byte[Math.min(1 << 16, chunkChars)];
        ArrayDeque<Future<int[][]>> queue = new ArrayDeque<>();
        int scanned = 0;
        int n;
        while ((n = in.read(block)) > 0) {
            dec.feed(block, 0, n, buf);
            // lines go out in chunks of chunkChars (parallel encoding), or as they are when the next read would wait
            // (a pipe whose writer is slow: nothing more has arrived; a file always has more until its end)
            boolean waiting = buf.length() < chunkChars && nothingArrives(in);
            if (buf.length() >= chunkChars || waiting) {
                int cut = lastNewline(buf, scanned) + 1;
                scanned = buf.length();
                if (cut > 0) {
                    scanned -= cut;
                    String chunk = buf.substring(0, cut - 1);
                    buf.delete(0, cut);
                    submitLines(queue, chunk, sink);
                }
            }
            if (waiting) {
                while (!queue.isEmpty()) {
                    for (int[] ids : get(queue.poll())) {
                        sink.accept(ids);
                    }
                }
                sink.idle();
            }
        }
        dec.finish(buf);
        if (buf.length() > 0) {
            // a final line without its newline still counts; a trailing newline ends the last line
            String rest = buf.toString();
            if (rest.endsWith("\n")) {
                rest = rest.substring(0, rest.length() - 1);
            }
            submitLines(queue, rest, sink);
        }
        while (!queue.isEmpty()) {
            for (int[] ids : get(queue.poll())) {
                sink.accept(ids);
            }
        }
        return new Stats(dec.malformedCount(), dec.byteOffset());
    }

    /**
     * Whether {@code in} has nothing to read and nothing arrives within {@link #STALL_NANOS}: a writer that is only a
     * little behind (cat into a pipe that the encoder empties) is waited for, so that lines still go out in whole
     * chunks (going out at every empty pipe cost ~12% on a 19 MB file piped through cat).
     */
    private static boolean nothingArrives(InputStream in) throws IOException {
        long t0 = System.nanoTime();
        while (in.available() == 0) {
            if (System.nanoTime() - t0 > STALL_NANOS) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        return false;
    }

    /** How long an input may stay empty before the lines read so far go out ({@link #nothingArrives}). */
    private static final long STALL_NANOS = 2_000_000;

    private static int lastNewline(CharSequence buf, int from) {
        for (int p = buf.length() - 1; p >= from; p--) {
            if (buf.charAt(p) == '\n') {
                return p;
            }
        }
        return -1;
    }

    /** The last place at or after {@code from} where {@code tok} allows a cut; 0 if none. */
    static int lastCut(Tokenizer tok, CharSequence buf, int from) {
        for (int p = buf.length() - 2; p >= Math.max(1, from); p--) {
            if (tok.canCutAt(buf, p)) {
                return p;
            }
        }
        return 0;
    }

    private int[] encodeChunk(String text, boolean first) {
        if (first) {
            return specials ? tok.encodeWithSpecials(text) : tok.encode(text);
        }
        return tok.encodeContinuation(text, specials);
    }

    private void submit(ArrayDeque<Future<int[]>> queue, String chunk, boolean first, Sink sink) throws IOException {
        if (pool == null) {
            sink.accept(encodeChunk(chunk, first));
            return;
        }
        queue.add(pool.submit(() -> encodeChunk(chunk, first)));
        drain(queue, inFlight, sink);
    }

    private void drain(ArrayDeque<Future<int[]>> queue, int keep, Sink sink) throws IOException {
        while (queue.size() > keep) {
            sink.accept(get(queue.poll()));
        }
    }

    private void submitLines(ArrayDeque<Future<int[][]>> queue, String text, LineSink sink) throws IOException {
        if (pool == null) {
            for (int[] ids : encodeLines(text)) {
                sink.accept(ids);
            }
            return;
        }
        queue.add(pool.submit(() -> encodeLines(text)));
        while (queue.size() > inFlight) {
            for (int[] ids : get(queue.poll())) {
                sink.accept(ids);
            }
        }
    }

    private int[][] encodeLines(String text) {
        List<int[]> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            if (end > start && text.charAt(end - 1) == '\r') {
                end--; // a CRLF line end (a Windows text file) is the newline too (chunks come without their \n)
            }
            String line = text.substring(start, end);
            out.add(specials ? tok.encodeWithSpecials(line) : tok.encode(line));
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return out.toArray(new int[0][]);
    }

    private static <T> T get(Future<T> f) throws IOException {
        return Futures.get(f, e -> new IOException("interrupted", e),
                c -> new UncheckedIOException(new IOException(c)));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
