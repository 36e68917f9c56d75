package llm.run;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import llm.tokenizer.IntList;
import llm.tokenizer.Pieces;
import llm.tokenizer.StreamEncoder;
import llm.tokenizer.Tokenizer;

/**
 * {@code llm tokenize}'s text output: each input (each line with {@code lines}) encoded and printed as ids on one
 * line, as 'id<TAB>piece' lines, as a count, or as a JSON Lines record with pieces and byte offsets. Output is
 * buffered and written in 64 KiB pieces; {@link #flush} at the end.
 */
public final class TokenListing {
    /** What is printed per sequence. */
    public enum Format { IDS, PIECES, COUNT, JSON }

    private static final int BUFFER = 1 << 16;

    /** What is printed, and the token ids put first and last (--bos, --eos; -1 without). */
    public record Options(Format format, int bosToken, int eosToken) {}

    private final Tokenizer tok;
    private final Options options;
    private final PrintWriter out;
    private final StringBuilder sb = new StringBuilder(BUFFER);

    public TokenListing(Tokenizer tok, Options options, PrintWriter out) {
        this.tok = tok;
        this.options = options;
        this.out = out;
    }

    /** Encode one input {@code name} and print it; a whole input is streamed chunk by chunk unless JSON. */
    public StreamEncoder.Stats encode(StreamEncoder enc, InputStream in, String name, boolean lines)
            throws IOException {
        if (lines) {
            return enc.encodeLines(in, name, options.bosToken(), options.eosToken(), new StreamEncoder.LineSink() {
                private long lineNo;

                @Override
                public void accept(int[] ids) throws IOException {
                    sequence(name, ++lineNo, ids);
                }

                @Override
                public void idle() {
                    flush(); // a line read from a slow pipe is answered at once
                }
            });
        }
        if (options.format() == Format.JSON) {
            IntList all = new IntList();
            StreamEncoder.Stats st = enc.encode(in, name, options.bosToken(), options.eosToken(), all::addAll);
            sequence(name, 0, all.toArray());
            return st;
        }
        return streaming(enc, in, name);
    }

    public void flush() {
        out.write(sb.toString());
        sb.setLength(0);
        out.flush();
    }

    private void flushIfBig() {
        if (sb.length() >= BUFFER) {
            out.write(sb.toString());
            sb.setLength(0);
        }
    }

    /** IDS, COUNT and PIECES over a whole input, streamed chunk by chunk. */
    private StreamEncoder.Stats streaming(StreamEncoder enc, InputStream in, String name) throws IOException {
        long[] n = {0};
        boolean[] first = {true};
        StreamEncoder.Stats st = enc.encode(in, name, options.bosToken(), options.eosToken(), ids -> {
            n[0] += ids.length;
            if (options.format() == Format.COUNT) {
                return;
            }
            for (int id : ids) {
                if (options.format() == Format.PIECES) {
                    appendPiece(id);
                } else {
                    sb.append(first[0] ? "" : " ").append(id);
                    first[0] = false;
                }
                flushIfBig();
            }
        });
        if (options.format() == Format.COUNT) {
            sb.append(n[0]).append('\n');
        } else if (options.format() == Format.IDS) {
            sb.append('\n');
        }
        flushIfBig();
        return st;
    }

    private void appendPiece(int id) {
        sb.append(id).append('\t').append(pieceText(id, true)).append('\n');
    }

    private String pieceText(int id, boolean escape) {
        if (tok.isSpecial(id)) {
            return Pieces.display(tok.piece(id).strip().getBytes(StandardCharsets.UTF_8), escape);
        }
        return Pieces.display(tok.tokenBytes(id), escape);
    }

    /** One sequence (a line with --lines, or a whole input with --json) in the format. */
    private void sequence(String input, long line, int[] ids) throws IOException {
        switch (options.format()) {
            case COUNT -> sb.append(ids.length).append('\n');
            case PIECES -> {
                for (int id : ids) {
                    appendPiece(id);
                }
                sb.append('\n'); // a blank line between lines
            }
            case JSON -> sb.append(json(input, line, ids)).append('\n');
            case IDS -> {
                for (int i = 0; i < ids.length; i++) {
                    sb.append(i > 0 ? " " : "").append(ids[i]);
                }
                sb.append('\n');
            }
        }
        flushIfBig();
    }

    /** {"id", ["line"], "ids", "pieces", "offsets"}: offsets are [start, end) bytes of the input. */
    private String json(String input, long line, int[] ids) throws IOException {
        StringWriter sw = new StringWriter();
        JsonWriter jw = new JsonWriter(sw);
        jw.setHtmlSafe(false);
        jw.beginObject();
        jw.name("id").value(input); // the document: README, "JSON output"
        if (line > 0) {
            jw.name("line").value(line);
        }
        jw.name("ids").beginArray();
        for (int id : ids) {
            jw.value(id);
        }
        jw.endArray().name("pieces").beginArray();
        for (int id : ids) {
            jw.value(pieceText(id, false));
        }
        jw.endArray().name("offsets").beginArray();
        long at = 0;
        int prev = -1;
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            boolean added = (i == 0 && options.bosToken() >= 0) // --bos / --eos: not in the input
                    || (i == ids.length - 1 && options.eosToken() >= 0);
            long len = added ? 0 : tok.tokenBytes(prev, id).length;
            jw.beginArray().value(at).value(at + len).endArray();
            at += len;
            prev = id;
        }
        jw.endArray().endObject().flush();
        return sw.toString();
    }
}
