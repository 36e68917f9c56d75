package llm.run;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import llm.eval.Perplexity;
import llm.io.TokenText;

/**
 * What {@code llm score} prints: a document's numbers, the summary (a JSON object or the table) and one token of
 * {@code --tokens}; numbers rounded to 6 decimals.
 */
public final class ScoreRecords {
    private ScoreRecords() {}

    /** {"id", "tokens", "bytes", "nll", "perplexity", "bits_per_token", "bits_per_byte"}. */
    public static JsonObject document(String id, Perplexity p) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        return numbers(o, p);
    }

    /** {"summary": {the numbers, "documents", "ctx", "stride"}}. */
    public static JsonObject summary(Perplexity total, long documents, int window, int stride) {
        JsonObject o = numbers(new JsonObject(), total);
        o.addProperty("documents", documents);
        o.addProperty("ctx", window);
        o.addProperty("stride", stride);
        JsonObject t = new JsonObject();
        t.add("summary", o);
        return t;
    }

    /** The summary as a table of aligned lines. */
    public static void table(PrintWriter where, Perplexity total, long scored, long skipped, int window, int stride) {
        where.printf(Locale.ROOT, "documents   %,d%s%n", scored, skipped > 0 ? " (" + skipped + " skipped)" : "");
        where.printf(Locale.ROOT, "tokens      %,d (window %d, stride %d)%n", total.tokens(), window, stride);
        where.printf(Locale.ROOT, "bytes       %,d%n", total.bytes());
        where.printf(Locale.ROOT, "nll         %.4f nats/token%n", total.meanNll());
        where.printf(Locale.ROOT, "perplexity  %.3f%n", total.perplexity());
        where.printf(Locale.ROOT, "bits/token  %.4f%n", total.bitsPerToken());
        where.printf(Locale.ROOT, "bits/byte   %.4f%n", total.bitsPerByte());
    }

    /** One --tokens record: {"id" (the document), "pos", "token_id", text, "logprob"}. */
    public static JsonObject token(String docId, int pos, int tokenId, byte[] bytes, double logprob) {
        JsonObject o = new JsonObject();
        o.addProperty("id", docId); // the document; the token is token_id (README)
        o.addProperty("pos", pos);
        o.addProperty("token_id", tokenId);
        TokenText.add(o, bytes);
        o.addProperty("logprob", round(logprob));
        return o;
    }

    /** The ids with {@code start} put first, or as they are when it is -1. */
    public static int[] withStart(int start, int[] ids) {
        if (start < 0) {
            return ids;
        }
        int[] x = new int[ids.length + 1];
        x[0] = start;
        System.arraycopy(ids, 0, x, 1, ids.length);
        return x;
    }

    private static JsonObject numbers(JsonObject o, Perplexity p) {
        o.addProperty("tokens", p.tokens());
        o.addProperty("bytes", p.bytes());
        o.addProperty("nll", round(p.nll()));
        o.addProperty("perplexity", round(p.perplexity()));
        o.addProperty("bits_per_token", round(p.bitsPerToken()));
        o.addProperty("bits_per_byte", round(p.bitsPerByte()));
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
