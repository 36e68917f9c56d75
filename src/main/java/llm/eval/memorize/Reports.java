package llm.eval.memorize;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.util.Locale;

/**
 * Renders results as text; the command decides where it goes. Formats: a readable report (the continuation aligned
 * against the reference, the divergence marked with {@value #MARK}), JSON Lines and TSV with stable field names.
 */
public final class Reports {
    /** Marks where the continuation strays from the reference in the readable report. */
    public static final String MARK = "¦";

    /** The TSV columns, in order. */
    public static final String TSV_HEADER = String.join("\t", "id", "window", "offset", "prefix_tokens", "suffix_tokens",
            "exact", "score", "match_tokens", "match_chars", "extraction_rate", "skipped", "prefix", "target",
            "continuation");

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private Reports() {}

    /** The JSON Lines record of one result. */
    public static JsonObject json(Result r) {
        JsonObject o = new JsonObject();
        o.addProperty("id", r.id());
        if (r.isSkipped()) {
            o.addProperty("skipped", r.skipped());
            return o;
        }
        o.addProperty("window", r.window());
        o.addProperty("offset", r.offset());
        o.addProperty("prefix_tokens", r.prefixTokens());
        o.addProperty("suffix_tokens", r.match().length());
        o.addProperty("exact", r.match().exact());
        Summary.num(o, "score", r.match().score());
        o.addProperty("match_tokens", r.match().matchTokens());
        o.addProperty("match_chars", r.alignment().matchChars());
        if (r.samples() > 0) {
            o.addProperty("samples", r.samples());
            Summary.num(o, "extraction_rate", r.extractionRate());
        }
        o.addProperty("prefix", r.prefix());
        o.addProperty("target", r.target());
        o.addProperty("continuation", r.continuation());
        o.addProperty("strayed", r.alignment().strayed());
        return o;
    }

    public static String jsonLine(Result r) {
        return GSON.toJson(json(r));
    }

    public static String jsonLine(JsonObject o) {
        return GSON.toJson(o);
    }

    /** One TSV row (tabs, newlines and backslashes in texts escaped as \t, \n, \\). */
    public static String tsv(Result r) {
        if (r.isSkipped()) {
            return String.join("\t", tsvEscape(r.id()), "", "", "", "", "", "", "", "", "", tsvEscape(r.skipped()), "",
                    "", "");
        }
        return String.join("\t", tsvEscape(r.id()), Integer.toString(r.window()), Integer.toString(r.offset()),
                Integer.toString(r.prefixTokens()), Integer.toString(r.match().length()),
                Boolean.toString(r.match().exact()), fmt(r.match().score()),
                Integer.toString(r.match().matchTokens()), Integer.toString(r.alignment().matchChars()),
                r.samples() > 0 ? fmt(r.extractionRate()) : "", "", tsvEscape(r.prefix()), tsvEscape(r.target()),
                tsvEscape(r.continuation()));
    }

    static String tsvEscape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Texts on one line: newlines shown as ↵, tabs as spaces. */
    static String oneLine(String s) {
        return s.replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵").replace("\t", " ");
    }

    /** The part of the prefix shown in the report: its last {@code max} code points, "…" in front when cut. */
    static String tail(String s, int max) {
        int n = s.codePointCount(0, s.length());
        if (n <= max) {
            return s;
        }
        return "…" + s.substring(s.offsetByCodePoints(0, n - max));
    }

    /**
     * The readable report of one result: a header (id, window, score, match) and the continuation aligned against the
     * reference, the point of divergence marked. {@code color} adds ANSI colours (strayed text red, expected green).
     */
    public static String report(Result r, boolean color) {
        StringBuilder b = new StringBuilder();
        String id = r.id() + (r.window() > 0 || r.offset() > 0 ? " @" + r.offset() : "");
        if (r.isSkipped()) {
            b.append(color ? DIM : "").append(id).append("  skipped: ").append(r.skipped()).append(color ? RESET : "")
                    .append('\n');
            return b.toString();
        }
        var m = r.match();
        var a = r.alignment();
        b.append(color ? BOLD : "").append(id).append(color ? RESET : "");
        b.append(String.format(Locale.ROOT, "  score %.2f (%d/%d)", m.score(), m.matches(), m.length()));
        b.append(m.exact() ? (color ? "  " + RED + BOLD + "EXACT" + RESET : "  EXACT") : "");
        b.append(String.format(Locale.ROOT, "  match %d tokens, %d chars", m.matchTokens(), a.matchChars()));
        if (r.samples() > 0) {
            b.append(String.format(Locale.ROOT, "  extracted %d/%d samples", r.exactSamples(), r.samples()));
        }
        b.append('\n');
        b.append("  prefix  ").append(color ? DIM : "").append(oneLine(tail(r.prefix(), 100)))
                .append(color ? RESET : "").append('\n');
        String common = oneLine(a.common());
        if (a.identical()) {
            b.append("  model = text  ").append(common).append('\n');
        } else {
            b.append("  model   ").append(common).append(color ? RED + BOLD : "").append(MARK)
                    .append(color ? RESET + RED : "").append(oneLine(a.strayed())).append(color ? RESET : "")
                    .append('\n');
            b.append("  text    ").append(common).append(color ? GREEN + BOLD : "").append(MARK)
                    .append(color ? RESET + GREEN : "").append(oneLine(a.expected())).append(color ? RESET : "")
                    .append('\n');
        }
        return b.toString();
    }

    /** The summary as text for stderr: counts, fractions and a histogram of window scores. */
    public static String summaryText(Summary s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "documents %d (tested %d, skipped %d), windows %d%n", s.documents(),
                s.tested(), s.skipped(), s.windows()));
        if (s.windows() > 0) {
            b.append(String.format(Locale.ROOT, "exact %d/%d windows (%.3f), mean score %.3f, mean match %.1f tokens%n",
                    s.exact(), s.windows(), s.fractionExact(), s.meanScore(), s.meanMatchTokens()));
            b.append(String.format(Locale.ROOT, "memorized documents (score >= %.2f in some window): %d/%d (%.3f)%n",
                    s.memorizedAt(), s.memorized(), s.tested(), s.fractionMemorized()));
            if (!Double.isNaN(s.meanExtractionRate())) {
                b.append(String.format(Locale.ROOT, "mean extraction rate (sampled): %.3f%n", s.meanExtractionRate()));
            }
            b.append("score histogram (windows):\n");
            long[] h = s.histogram();
            long max = 1;
            for (long c : h) {
                max = Math.max(max, c);
            }
            for (int i = 0; i < h.length; i++) {
                int bar = (int) Math.round(40.0 * h[i] / max);
                b.append(String.format(Locale.ROOT, "  %.1f-%.1f%s %s %d%n", i / 10.0, (i + 1) / 10.0,
                        i == h.length - 1 ? "]" : ")", "#".repeat(bar) + (bar == 0 && h[i] > 0 ? "." : ""), h[i]));
            }
        }
        return b.toString();
    }
}
