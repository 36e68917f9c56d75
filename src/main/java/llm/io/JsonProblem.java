package llm.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is wrong with a line of JSON, in words for a user: gson's exceptions name Java classes and advise calling
 * {@code JsonReader.setStrictness}, neither of which helps someone fixing a data file.
 * {@code "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON at line 1 column 6 path $"}
 * becomes {@code "malformed JSON at column 6"}; {@code "java.io.EOFException: End of input at line 1 column 15"}
 * becomes {@code "unexpected end of input at column 15"}.
 */
public final class JsonProblem {
    private static final Pattern WHERE = Pattern.compile("^(.*?)\\s+at line (\\d+) column (\\d+)");
    private static final Pattern CLASS_PREFIX = Pattern.compile("^(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*:\\s*");

    private JsonProblem() {}

    /** A short description of {@code e} (a gson parse exception), without class names; never null. */
    public static String describe(Throwable e) {
        Throwable deepest = e;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String m = deepest.getMessage() != null ? deepest.getMessage() : e.getMessage();
        if (m == null || m.isBlank()) {
            return "malformed JSON";
        }
        int nl = m.indexOf('\n');
        m = CLASS_PREFIX.matcher(nl < 0 ? m : m.substring(0, nl)).replaceFirst("").strip();
        String what = m;
        String where = "";
        Matcher w = WHERE.matcher(m);
        if (w.find()) {
            what = w.group(1);
            where = w.group(2).equals("1") ? " at column " + w.group(3)
                    : " at line " + w.group(2) + " column " + w.group(3);
        }
        if (what.startsWith("Use JsonReader.setStrictness") || what.isBlank()) {
            what = "malformed JSON";
        } else if (what.startsWith("End of input")) {
            what = "unexpected end of input";
        } else {
            what = Character.toLowerCase(what.charAt(0)) + what.substring(1);
        }
        return what + where;
    }
}
