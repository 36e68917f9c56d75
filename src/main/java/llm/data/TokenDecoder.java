package llm.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import llm.UserException;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Utf8StreamDecoder;

/**
 * Token ids back to text, byte-exact ({@code llm tokenize --decode}): an input is either a token shard (sniffed by
 * {@link TokenShard#isShard(InputStream)}) read block by block, or integers separated by whitespace, commas or
 * brackets (so {@code 15496 995}, {@code 15496,995} and a JSON/Python list {@code [15496, 995]}) parsed as a stream
 * — with {@code lines}, each line of ids is one sequence and one line of text. The text goes to a
 * {@link StringBuilder} that is written out every 32K characters, so memory stays bounded for any input.
 *
 * @param strict invalid UTF-8 in the decoded bytes is an error (else U+FFFD, counted)
 * @param lines  text input: each line of ids is decoded on its own, to one line
 */
public record TokenDecoder(Tokenizer tok, boolean strict, boolean lines) {
    private static final int FLUSH_CHARS = 1 << 15;

    /**
     * Decode input {@code name} from {@code raw} into {@code sb}, writing {@code sb} to {@code out} whenever it is
     * large; returns the number of invalid UTF-8 sequences printed as U+FFFD.
     */
    public long decode(InputStream raw, String name, StringBuilder sb, PrintWriter out) throws IOException {
        Utf8StreamDecoder dec = new Utf8StreamDecoder(strict ? off -> {
            throw UserException.runtime(name + ": decoded text is not valid UTF-8 at byte " + off + " (--strict)");
        } : null);
        BufferedInputStream in = raw instanceof BufferedInputStream bi ? bi : new BufferedInputStream(raw);
        if (TokenShard.isShard(in)) {
            ShardStreams.Reader r = new ShardStreams.Reader(in, name);
            int prev = -1;
            for (int[] ids = r.next(); ids != null; ids = r.next()) {
                for (int id : ids) {
                    prev = emitBytes(dec, sb, name, 0, prev, id);
                }
                flushIfBig(out, sb);
            }
            dec.finish(sb);
        } else {
            rejectBinary(in, name);
            decodeText(new InputStreamReader(in, StandardCharsets.UTF_8), name, dec, sb, out);
        }
        return dec.malformedCount();
    }

    /** Write {@code sb} to {@code out} once it holds 32K characters. */
    public static void flushIfBig(PrintWriter out, StringBuilder sb) {
        if (sb.length() >= FLUSH_CHARS) {
            out.write(sb.toString());
            sb.setLength(0);
        }
    }

    /** Binary input that is not a shard (a NUL byte near the start): say so rather than quote bytes as an id. */
    private static void rejectBinary(BufferedInputStream in, String name) throws IOException {
        // what has arrived, up to 4 KB: a pipe's first line of ids is not held back until 4 KB more come
        byte[] head = llm.io.Inputs.arrived(in, 4096);
        for (byte b : head) {
            if (b == 0) {
                throw UserException.runtime(name + ": neither a token shard (magic "
                        + Integer.toUnsignedString(TokenShard.firstInt(head)) + ", expected " + TokenShard.MAGIC
                        + ") nor text token ids");
            }
        }
    }

    private int emitBytes(Utf8StreamDecoder dec, StringBuilder sb, String name, long line, int prev, int id) {
        if (id >= tok.vocabSize()) {
            throw UserException.runtime(name + (line > 0 ? ":" + line : "") + ": token id " + id
                    + " is out of range (vocab size " + tok.vocabSize() + ")");
        }
        byte[] b = tok.tokenBytes(prev, id);
        dec.feed(b, 0, b.length, sb);
        return id;
    }

    /** Whitespace-separated ids, parsed as a stream; with {@link #lines} each line is one sequence. */
    private void decodeText(Reader r, String name, Utf8StreamDecoder dec, StringBuilder sb, PrintWriter out)
            throws IOException {
        char[] buf = new char[1 << 15];
        StringBuilder num = new StringBuilder();
        long line = 1;
        int prev = -1;
        boolean lineHasContent = false;
        while (true) {
            int n = r.read(buf);
            int end = n < 0 ? 1 : n; // at the end, one virtual separator ends the last number
            for (int i = 0; i < end; i++) {
                char c = n < 0 ? ' ' : buf[i];
                // brackets too, so that a JSON or Python list pasted from tiktokenizer decodes as is
                boolean sep = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '[' || c == ']';
                if (!sep) {
                    num.append(c);
                    lineHasContent = true;
                    if (num.length() > 12) {
                        throw badId(name, line, num);
                    }
                    continue;
                }
                if (num.length() > 0) {
                    prev = emitBytes(dec, sb, name, line, prev, parseId(name, line, num));
                    num.setLength(0);
                }
                if (c == '\n') {
                    if (lines) {
                        dec.finish(sb);
                        sb.append('\n');
                        prev = -1;
                    }
                    line++;
                    lineHasContent = false;
                }
            }
            if (n < 0) {
                break;
            }
            flushIfBig(out, sb);
            if (lines && !r.ready()) { // nothing more for now (a slow pipe): the lines so far go out
                out.write(sb.toString());
                sb.setLength(0);
                out.flush();
            }
        }
        dec.finish(sb);
        if (lines && lineHasContent) {
            sb.append('\n');
        }
    }

    private static int parseId(String name, long line, CharSequence s) {
        try {
            int id = Integer.parseInt(s, 0, s.length(), 10);
            if (id < 0) {
                throw UserException.runtime(name + ":" + line + ": token id " + id + " is negative");
            }
            return id;
        } catch (NumberFormatException e) {
            throw badId(name, line, s);
        }
    }

    private static UserException badId(String name, long line, CharSequence s) {
        String shown = s.length() > 20 ? s.subSequence(0, 20) + "..." : s.toString();
        return UserException.runtime(name + ":" + line + ": '" + shown + "' is not a token id (expected integers "
                + "separated by spaces or commas, or a list like [15496, 995])");
    }
}
