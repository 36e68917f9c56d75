package llm.eval.memorize;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * Totals over a run, fed results in input order. A document counts as <em>memorized</em> when any of its windows
 * scores at least {@code memorizedAt} (1.0 = exact, Carlini et al.'s extractability); {@code --fail-above} compares
 * the fraction of memorized documents among the tested ones. Summaries of parts of a run (each document wholly in
 * one part) {@link #merge} into the summary of the whole: counts and the histogram exactly, the score sums up to the
 * order of a floating-point sum (~1e-16 relative, far below the 1e-6 they are printed with).
 */
public final class Summary implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public static final int BINS = 10;

    private final double memorizedAt;
    private long documents;
    private long skipped;
    private long tested;
    private long windows;
    private long exact;
    private double scoreSum;
    private long matchTokensSum;
    private long memorized;
    private long sampledWindows;
    private double extractionSum;
    private final long[] histogram = new long[BINS];
    private long currentDoc = -1;
    private boolean currentMemorized;

    public Summary(double memorizedAt) {
        this.memorizedAt = memorizedAt;
    }

    /** Histogram bin of a score: [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0] (1.0 falls in the last bin). */
    public static int bin(double score) {
        return Math.max(0, Math.min(BINS - 1, (int) Math.floor(score * BINS + 1e-9)));
    }

    public void add(Result r) {
        if (r.doc() != currentDoc) {
            finishDocument();
            currentDoc = r.doc();
            documents++;
            if (r.isSkipped()) {
                skipped++;
            } else {
                tested++;
            }
        }
        if (r.isSkipped()) {
            return;
        }
        windows++;
        double s = r.match().score();
        scoreSum += s;
        matchTokensSum += r.match().matchTokens();
        histogram[bin(s)]++;
        if (r.match().exact()) {
            exact++;
        }
        if (s >= memorizedAt - 1e-12) {
            currentMemorized = true;
        }
        if (r.samples() > 0) {
            sampledWindows++;
            extractionSum += r.extractionRate();
        }
    }

    private void finishDocument() {
        if (currentMemorized) {
            memorized++;
        }
        currentMemorized = false;
    }

    /**
     * Add the summary of another part of the same run (its documents not in this one); both are {@link #finish}ed
     * first. Returns this.
     */
    public Summary merge(Summary other) {
        if (other.memorizedAt != memorizedAt) {
            throw new IllegalArgumentException("summaries with different --memorized-at");
        }
        finish();
        other.finish();
        documents += other.documents;
        skipped += other.skipped;
        tested += other.tested;
        windows += other.windows;
        exact += other.exact;
        scoreSum += other.scoreSum;
        matchTokensSum += other.matchTokensSum;
        memorized += other.memorized;
        sampledWindows += other.sampledWindows;
        extractionSum += other.extractionSum;
        for (int i = 0; i < BINS; i++) {
            histogram[i] += other.histogram[i];
        }
        return this;
    }

    /** Close the last document; call once after the last {@link #add}. Idempotent. */
    public Summary finish() {
        finishDocument();
        return this;
    }

    public long documents() {
        return documents;
    }

    public long skipped() {
        return skipped;
    }

    public long tested() {
        return tested;
    }

    public long windows() {
        return windows;
    }

    public long exact() {
        return exact;
    }

    public long memorized() {
        return memorized;
    }

    /** Exact windows over tested windows; NaN when none. */
    public double fractionExact() {
        return windows == 0 ? Double.NaN : (double) exact / windows;
    }

    public double meanScore() {
        return windows == 0 ? Double.NaN : scoreSum / windows;
    }

    public double meanMatchTokens() {
        return windows == 0 ? Double.NaN : (double) matchTokensSum / windows;
    }

    /** Memorized documents over tested documents; NaN when none was tested. */
    public double fractionMemorized() {
        return tested == 0 ? Double.NaN : (double) memorized / tested;
    }

    /** Mean extraction rate over windows that were sampled; NaN without {@code --samples}. */
    public double meanExtractionRate() {
        return sampledWindows == 0 ? Double.NaN : extractionSum / sampledWindows;
    }

    public long[] histogram() {
        return histogram.clone();
    }

    public double memorizedAt() {
        return memorizedAt;
    }

    /** The summary as the JSON object {@code --json} prints (stable field names; NaN becomes null). */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("documents", documents);
        o.addProperty("tested", tested);
        o.addProperty("skipped", skipped);
        o.addProperty("windows", windows);
        o.addProperty("exact", exact);
        num(o, "fraction_exact", fractionExact());
        num(o, "mean_score", meanScore());
        num(o, "mean_match_tokens", meanMatchTokens());
        o.addProperty("memorized_at", memorizedAt);
        o.addProperty("memorized", memorized);
        num(o, "fraction_memorized", fractionMemorized());
        num(o, "mean_extraction_rate", meanExtractionRate());
        JsonArray h = new JsonArray();
        for (long c : histogram) {
            h.add(c);
        }
        o.add("score_histogram", h);
        return o;
    }

    static void num(JsonObject o, String key, double v) {
        if (Double.isNaN(v)) {
            o.add(key, com.google.gson.JsonNull.INSTANCE);
        } else {
            o.addProperty(key, Math.round(v * 1e6) / 1e6);
        }
    }
}
