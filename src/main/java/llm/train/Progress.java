package llm.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress on stderr. On a terminal: one live line redrawn in place (step, loss, LR, grad norm, tokens/s,
 * MFU, ETA). Otherwise (a log file, CI): one plain line every {@code every} steps, and on the last step.
 */
public final class Progress {
    private final PrintStream err;
    private final boolean tty;
    private final int every;
    private final long totalSteps;
    private boolean lineOpen;

    public Progress(PrintStream err, boolean tty, int every, long totalSteps) {
        this.err = err;
        this.tty = tty;
        this.every = Math.max(1, every);
        this.totalSteps = totalSteps;
    }

    /** Report step {@code m}; {@code etaS} is the estimated time to the end, in seconds. */
    public void step(StepMetrics m, double etaS) {
        if (tty) {
            int width = 24;
            int done = (int) Math.min(width, width * m.step() / Math.max(1, totalSteps));
            String bar = "#".repeat(done) + "-".repeat(width - done);
            err.print("\r[" + bar + "] " + line(m, etaS) + "\u001b[K");
            err.flush();
            lineOpen = true;
        } else if (m.step() % every == 0 || m.step() == totalSteps) {
            err.println(line(m, etaS));
        }
    }

    /** A message between progress lines (evaluation results, checkpoints). */
    public void message(String text) {
        if (lineOpen) {
            err.print("\r\u001b[K");
            lineOpen = false;
        }
        err.println(text);
    }

    /** End the live line, if any. */
    public void finish() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }

    /** The plain progress line for step {@code m}. */
    public String line(StepMetrics m, double etaS) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "step %d/%d | loss %.4f | lr %.2e | norm %.3f | %s tok/s",
                m.step(), totalSteps, m.loss(), m.lr(), m.gradNorm(), compact(m.tokensPerS())));
        if (Double.isFinite(m.mfu())) {
            b.append(String.format(Locale.ROOT, " | mfu %.1f%%", 100 * m.mfu()));
        }
        if (Double.isFinite(etaS)) {
            b.append(" | eta ").append(duration(etaS));
        }
        return b.toString();
    }

    static String compact(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** 42s, 3m05s, 1h02m. */
    public static String duration(double s) {
        long t = Math.round(Math.max(0, s));
        if (t < 60) {
            return t + "s";
        }
        if (t < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60);
    }
}
