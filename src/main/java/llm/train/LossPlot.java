package llm.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code loss.svg}: training loss (raw, faint; and smoothed) and validation loss against tokens seen, as a
 * self-contained SVG that any browser opens. No chart library: axes, ticks and two polylines.
 */
public final class LossPlot {
    private static final int W = 720;
    private static final int H = 420;
    private static final int LEFT = 64;
    private static final int RIGHT = 20;
    private static final int TOP = 36;
    private static final int BOTTOM = 52;

    private LossPlot() {}

    /** The SVG document for {@code metrics}, titled {@code title}. */
    public static String svg(List<StepMetrics> metrics, String title) {
        List<double[]> train = new ArrayList<>();
        List<double[]> smooth = new ArrayList<>();
        List<double[]> val = new ArrayList<>();
        double ema = Double.NaN;
        for (StepMetrics m : metrics) {
            if (Double.isFinite(m.loss())) {
                train.add(new double[] {m.tokens(), m.loss()});
                ema = Double.isNaN(ema) ? m.loss() : 0.9 * ema + 0.1 * m.loss();
                smooth.add(new double[] {m.tokens(), ema});
            }
            if (Double.isFinite(m.valLoss())) {
                val.add(new double[] {m.tokens(), m.valLoss()});
            }
        }
        double x0 = 0;
        double x1 = 1;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (List<double[]> s : List.of(train, val)) {
            for (double[] p : s) {
                x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]);
                y1 = Math.max(y1, p[1]);
            }
        }
        if (!(y0 < y1)) {
            y0 = Double.isFinite(y0) ? y0 - 1 : 0;
            y1 = Double.isFinite(y1) ? y1 + 1 : 1;
        }
        double yStep = niceStep((y1 - y0) / 6);
        y0 = Math.floor(y0 / yStep) * yStep;
        y1 = Math.ceil(y1 / yStep) * yStep;
        double xStep = niceStep((x1 - x0) / 6);
        x1 = Math.ceil(x1 / xStep) * xStep;

        Frame f = new Frame(x0, x1, y0, y1);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H, W, H));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
        // grid and ticks
        for (double y = y0; y <= y1 + yStep / 2; y += yStep) {
            double py = f.py(y);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, py, W - RIGHT, py));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, py + 4, fmt(y, yStep)));
        }
        for (double x = x0; x <= x1 + xStep / 2; x += xStep) {
            double px = f.px(x);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n",
                    px, TOP, px, H - BOTTOM));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    px, H - BOTTOM + 18, tokens(x)));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
                LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">tokens seen</text>%n",
                (LEFT + W - RIGHT) / 2, H - 12));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">"
                + "loss (nats/token)</text>%n", (TOP + H - BOTTOM) / 2));
        polyline(s, f, train, "#9ecae1", 1);
        polyline(s, f, smooth, "#1f77b4", 2);
        polyline(s, f, val, "#d62728", 2);
        for (double[] p : val) {
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#d62728\"/>%n",
                    f.px(p[0]), f.py(p[1])));
        }
        // legend
        int lx = W - RIGHT - 170;
        legend(s, lx, TOP + 16, "#1f77b4", "train (smoothed)");
        legend(s, lx, TOP + 34, "#9ecae1", "train (per step)");
        if (!val.isEmpty()) {
            legend(s, lx, TOP + 52, "#d62728", "validation");
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private record Frame(double x0, double x1, double y0, double y1) {
        double px(double x) {
            return LEFT + (x - x0) / (x1 - x0) * (W - LEFT - RIGHT);
        }

        double py(double y) {
            return H - BOTTOM - (y - y0) / (y1 - y0) * (H - TOP - BOTTOM);
        }
    }

    private static void polyline(StringBuilder s, Frame f, List<double[]> pts, String color, double width) {
        if (pts.isEmpty()) {
            return;
        }
        s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"").append(width)
                .append("\" points=\"");
        for (double[] p : pts) {
            s.append(String.format(Locale.ROOT, "%.1f,%.1f ", f.px(p[0]), f.py(p[1])));
        }
        s.append("\"/>\n");
    }

    private static void legend(StringBuilder s, int x, int y, String color, String label) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>"
                + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, y - 4, x + 24, y - 4, color, x + 30, y, label));
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(double v, double step) {
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step)));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** 0, 500, 20k, 1.5M, 2B. */
    static String tokens(double x) {
        if (x >= 1e9) {
            return trim(x / 1e9) + "B";
        }
        if (x >= 1e6) {
            return trim(x / 1e6) + "M";
        }
        if (x >= 1e3) {
            return trim(x / 1e3) + "k";
        }
        return trim(x);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.replaceAll("\\.?0+$", "");
    }

    private static String escape(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
