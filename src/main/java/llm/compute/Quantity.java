package llm.compute;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import llm.UserException;

/**
 * Counts written the way people write them: {@code 124M}, {@code 1.5B}, {@code 15T}, {@code 300e9}, {@code 6_000},
 * {@code 124,439,808}. Suffixes are decimal: K = 1e3, M = 1e6, B or G = 1e9, T = 1e12, P = 1e15 (case-insensitive).
 */
public final class Quantity {
    /** 1,000,000: thousands separated by commas. */
    private static final Pattern THOUSANDS = Pattern.compile("[0-9]{1,3}(,[0-9]{3})+");
    /** The zeros ending a decimal fraction, and its point when nothing is left after it (1.50 → 1.5, 2.00 → 2). */
    private static final Pattern TRAILING_ZEROS = Pattern.compile("\\.?0+$");
    private static final Pattern NUMBER = Pattern.compile(
            "([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE]([+-]?[0-9]+))?\\s*([kKmMbBgGtTpP]?)");

    private Quantity() {}

    /**
     * Parse {@code text} as a non-negative count; {@code flag} names the option in the error message
     * (a usage error, exit 2).
     */
    public static double parse(String text, String flag) {
        String s = text == null ? "" : text.strip().replace("_", "");
        if (THOUSANDS.matcher(s).matches()) {
            s = s.replace(",", "");
        }
        Matcher m = NUMBER.matcher(s);
        if (s.startsWith("-") && NUMBER.matcher(s.substring(1)).matches()) {
            throw UserException.usage(flag + " cannot be negative, not '" + text + "'");
        }
        if (!m.matches()) {
            throw UserException.usage(flag + ": cannot read '" + text + "' as a number (examples: 124M, 1.5B, 15T, 3e9)");
        }
        double v = Double.parseDouble(m.group(1) + (m.group(2) == null ? "" : "e" + m.group(2)));
        v *= switch (m.group(3).toUpperCase(Locale.ROOT)) {
            case "K" -> 1e3;
            case "M" -> 1e6;
            case "B", "G" -> 1e9;
            case "T" -> 1e12;
            case "P" -> 1e15;
            default -> 1;
        };
        if (!Double.isFinite(v)) {
            throw UserException.usage(flag + ": '" + text + "' is too large");
        }
        return v;
    }

    /** Like {@link #parse} but the value must be {@code > 0}. */
    public static double positive(String text, String flag) {
        double v = parse(text, flag);
        if (v <= 0) {
            throw UserException.usage(flag + " must be greater than 0, not '" + text + "'");
        }
        return v;
    }

    /** A whole count ({@code 1.5B} is fine, {@code 1.5} is not). */
    public static long count(String text, String flag) {
        double v = parse(text, flag);
        if (v >= 9.2e18) {
            throw UserException.usage(flag + ": '" + text + "' is too large (at most 9.2e18)");
        }
        if (v != Math.rint(v)) {
            throw UserException.usage(flag + ": '" + text + "' is not a whole number");
        }
        return (long) v;
    }

    /** A short human form with a decimal suffix: 124.4M, 1.6B, 15T; beyond 1e15 scientific (3.6e25). */
    public static String human(double v) {
        double a = Math.abs(v);
        if (a >= 1e15) {
            return String.format(Locale.ROOT, "%.2g", v).replace("e+", "e");
        }
        String[] suffix = {"T", "B", "M", "K"};
        double[] scale = {1e12, 1e9, 1e6, 1e3};
        for (int i = 0; i < scale.length; i++) {
            if (a >= scale[i]) {
                return trim(v / scale[i]) + suffix[i];
            }
        }
        return trim(v);
    }

    /** A count and its noun: {@code plural(1, "document")} = "1 document", {@code plural(3, "window")} = "3 windows". */
    public static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** A measure with an SI prefix and its unit: {@code si(1.6e11, "FLOP/s")} = "160 GFLOP/s", {@code si(1.2e9, "B")}. */
    public static String si(double v, String unit) {
        String[] prefix = {"P", "T", "G", "M", "k"};
        double[] scale = {1e15, 1e12, 1e9, 1e6, 1e3};
        for (int i = 0; i < scale.length; i++) {
            if (Math.abs(v) >= scale[i]) {
                return trim(v / scale[i]) + " " + prefix[i] + unit;
            }
        }
        return trim(v) + " " + unit;
    }

    /** A FLOP count or rate in scientific notation with three significant digits: {@code 3.65e25}. */
    public static String sci(double v) {
        return String.format(Locale.ROOT, "%.3g", v).replace("e+", "e").replace("e0", "e");
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : Math.abs(v) >= 10 ? "%.2f" : "%.3f", v);
        if (s.contains(".")) {
            s = TRAILING_ZEROS.matcher(s).replaceAll("");
        }
        return s;
    }
}
