package llm.data.wiki;

import static llm.data.wiki.Brackets.Kind.EXT;
import static llm.data.wiki.Brackets.Kind.HIDDEN_LINK;
import static llm.data.wiki.Brackets.Kind.LINK;
import static llm.data.wiki.Brackets.Kind.TABLE;
import static llm.data.wiki.Brackets.Kind.TEMPLATE;
import static llm.data.wiki.Brackets.Kind.VARIANT;

import java.util.Arrays;

/**
 * Pass 2 of {@link Wikitext}: the bracket constructs, as one left-to-right scanner with an explicit stack (no
 * recursion, so 100k nested openers cost memory for the stack, never the thread's stack).
 *
 * <p>Every character is appended to {@code out} as it is read; an opener pushes a frame recording where in
 * {@code out} it began. A closer pops its frame and rewrites the tail of {@code out} from that point: templates
 * ({@code {{…}}}, {@code {{{…}}}}) and tables ({@code {|…|}} at line starts) are cut away, links
 * ({@code [[…]]}), external links ({@code [url label]}) and variants ({@code -{…}-}) are replaced by what they
 * show. Since the content of a frame is already resolved when it closes, nesting needs no second pass.
 *
 * <p>As in MediaWiki's preprocessor, braces bind first: a {@code }}} closes its template even across an unclosed
 * link, while a {@code ]]} inside an open template is just text of that template. Openers never closed are
 * dropped at the end (their text kept), except an unclosed table, which runs to the end of the page. Frames whose
 * text is kept (links, external links, variants) nest at most {@link #MAX_TEXT_NESTING} deep, deeper openers
 * being text: that bounds the rewriting to linear time.
 */
final class Brackets {
    /** What a frame is: the opener that started it. */
    enum Kind {
        TEMPLATE, TABLE, LINK, EXT, VARIANT,
        /** A link to a File, Image or Category page: shows nothing, so its content is cut, never rewritten. */
        HIDDEN_LINK;

        /** Links, external links and variants: their text is kept (rewritten), so their nesting is bounded. */
        boolean keepsText() {
            return this == LINK || this == EXT || this == VARIANT;
        }
    }

    static final int MAX_TEXT_NESTING = 64;

    private final String s;
    private final StringBuilder out;
    // the stack of open frames: kind, start in out, opener length (braces left, for templates)
    private Kind[] kind = new Kind[16];
    private int[] start = new int[16];
    private int[] width = new int[16];
    private int depth;
    private final int[] openOfKind = new int[Kind.values().length]; // by ordinal
    // openers popped without their closer: start and width in out, to drop at the end
    private int[] strayStart = new int[16];
    private int[] strayWidth = new int[16];
    private int strays;

    private Brackets(String s) {
        this.s = s;
        this.out = new StringBuilder(s.length());
    }

    static String resolve(String s) {
        return new Brackets(s).run();
    }

    private String run() {
        int n = s.length();
        int i = 0;
        boolean lineStart = true;
        while (i < n) {
            if (lineStart) {
                lineStart = false;
                int j = i;
                while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t' || s.charAt(j) == ':')) {
                    j++; // a table may be indented: ":{|"
                }
                if (s.startsWith("{|", j)) {
                    out.append(s, i, j);
                    push(TABLE, 2);
                    out.append("{|");
                    i = j + 2;
                    continue;
                }
                if (s.startsWith("|}", j) && open(TABLE) > 0
                        && !(kind[depth - 1] == TEMPLATE && s.startsWith("|}}", j))) {
                    popUntil(TABLE);
                    dropTop();
                    i = j + 2;
                    continue;
                }
            }
            char c = s.charAt(i);
            int run = runLength(i, c);
            switch (c) {
                case '{' -> openBraces(run);
                case '}' -> run = closeBraces(i, run);
                case '[' -> openSquare(i, run);
                case ']' -> closeSquare(run);
                case '\n' -> {
                    if (depth > 0 && kind[depth - 1] == EXT) {
                        popStray(); // [http://x without ] on its line: text
                    }
                    lineStart = true;
                    out.append(c);
                    run = 1;
                }
                default -> {
                    int j = plainEnd(i + 1);
                    out.append(s, i, j); // a span of plain text at once, not char by char
                    run = j - i;
                }
            }
            i += run;
        }
        return finish();
    }

    /** The index of the first character at or after {@code from} that this scanner acts on, or the length. */
    private int plainEnd(int from) {
        int j = from;
        int n = s.length();
        while (j < n) {
            char c = s.charAt(j);
            if (c == '{' || c == '}' || c == '[' || c == ']' || c == '\n') {
                break;
            }
            j++;
        }
        return j;
    }

    private int runLength(int i, char c) {
        if (c != '{' && c != '}' && c != '[' && c != ']') {
            return 1;
        }
        int j = i;
        while (j < s.length() && s.charAt(j) == c) {
            j++;
        }
        return j - i;
    }

    private void openBraces(int run) {
        if (run >= 2) {
            push(TEMPLATE, run);
            appendRun('{', run);
        } else if (out.length() > 0 && out.charAt(out.length() - 1) == '-' && textNesting() < MAX_TEXT_NESTING) {
            out.setLength(out.length() - 1);
            push(VARIANT, 2);
            out.append("-{");
        } else {
            out.append('{');
        }
    }

    /** Returns how many characters it consumed: the run, and the '-' of a variant's close. */
    private int closeBraces(int i, int run) {
        boolean variantClose = open(VARIANT) > 0 && i + run < s.length() && s.charAt(i + run) == '-';
        int m = variantClose ? run - 1 : run;
        while (m >= 2 && open(TEMPLATE) > 0) {
            popUntil(TEMPLATE);
            int top = depth - 1;
            int c = width[top];
            if (c == 1) {
                popStray(); // the lone '{' left of a {{{…}} is text
                continue;
            }
            int k = Math.min(c, m);
            m -= k;
            if (c == k) {
                dropTop();
            } else {
                width[top] = c - k;
                truncate(start[top] + c - k);
            }
        }
        if (variantClose && m == 0 && findAbove(VARIANT, VARIANT) == VARIANT) {
            popUntil(VARIANT);
            out.append(Variants.display(popTop(2)));
            return run + 1;
        }
        appendRun('}', variantClose ? m + 1 : m);
        return run;
    }

    private void openSquare(int i, int run) {
        if (run >= 2 && Links.isHiddenAt(s, i + run)) {
            appendRun('[', run - 2);
            push(HIDDEN_LINK, 2);
            out.append("[[");
        } else if (run >= 2 && textNesting() < MAX_TEXT_NESTING) {
            appendRun('[', run - 2);
            push(LINK, 2);
            out.append("[[");
        } else if (run == 1 && Links.isUrlStart(s, i + 1) && textNesting() < MAX_TEXT_NESTING) {
            push(EXT, 1);
            out.append('[');
        } else {
            appendRun('[', run);
        }
    }

    private void closeSquare(int run) {
        int m = run;
        while (m > 0) {
            if (depth > 0 && kind[depth - 1] == EXT) {
                out.append(Links.externalLabel(popTop(1)));
                m--;
            } else if (m >= 2 && findAbove(HIDDEN_LINK, LINK) == HIDDEN_LINK) {
                popUntil(HIDDEN_LINK);
                dropTop();
                m -= 2;
            } else if (m >= 2 && findAbove(LINK, LINK) == LINK) {
                popUntil(LINK);
                out.append(Links.display(popTop(2)));
                m -= 2;
            } else {
                break;
            }
        }
        appendRun(']', m);
    }

    /**
     * The kind of the topmost frame of kind {@code a} or {@code b} if it lies above every template and table frame
     * (the braces bind first), else null. Only text frames, at most {@link #MAX_TEXT_NESTING}, lie above it.
     */
    private Kind findAbove(Kind a, Kind b) {
        if (open(a) + open(b) == 0) {
            return null;
        }
        for (int f = depth - 1; f >= 0; f--) {
            if (kind[f] == a || kind[f] == b) {
                return kind[f];
            }
            if (!kind[f].keepsText()) {
                return null;
            }
        }
        return null;
    }

    private int open(Kind k) {
        return openOfKind[k.ordinal()];
    }

    private int textNesting() {
        return open(LINK) + open(EXT) + open(VARIANT);
    }

    private void push(Kind k, int w) {
        if (depth == kind.length) {
            kind = Arrays.copyOf(kind, depth * 2);
            start = Arrays.copyOf(start, depth * 2);
            width = Arrays.copyOf(width, depth * 2);
        }
        kind[depth] = k;
        start[depth] = out.length();
        width[depth] = w;
        depth++;
        openOfKind[k.ordinal()]++;
    }

    /** Pops the frames above the topmost frame of kind {@code k} as strays; {@code k} must be open. */
    /** Closes the top frame: its output, opener included, is cut. */
    private void dropTop() {
        int top = depth - 1;
        truncate(start[top]);
        depth--;
        openOfKind[kind[top].ordinal()]--;
    }

    /** Closes the top frame and returns its output after the opener ({@code openerWidth} characters). */
    private String popTop(int openerWidth) {
        String inner = out.substring(start[depth - 1] + openerWidth);
        dropTop();
        return inner;
    }

    private void popUntil(Kind k) {
        while (kind[depth - 1] != k) {
            popStray();
        }
    }

    private void popStray() {
        int top = depth - 1;
        if (strays == strayStart.length) {
            strayStart = Arrays.copyOf(strayStart, strays * 2);
            strayWidth = Arrays.copyOf(strayWidth, strays * 2);
        }
        strayStart[strays] = start[top];
        strayWidth[strays] = width[top];
        strays++;
        openOfKind[kind[top].ordinal()]--;
        depth--;
    }

    private void truncate(int p) {
        out.setLength(p);
        while (strays > 0 && strayStart[strays - 1] >= p) {
            strays--;
        }
    }

    private void appendRun(char c, int count) {
        for (int k = 0; k < count; k++) {
            out.append(c);
        }
    }

    private String finish() {
        if (open(TABLE) > 0) {
            // an unclosed table runs to the end of the page
            int f = 0;
            while (kind[f] != TABLE) {
                f++;
            }
            truncate(start[f]);
            for (int g = f; g < depth; g++) {
                openOfKind[kind[g].ordinal()]--;
            }
            depth = f;
        }
        while (depth > 0) {
            popStray();
        }
        if (strays == 0) {
            return out.toString();
        }
        long[] cuts = new long[strays];
        for (int k = 0; k < strays; k++) {
            cuts[k] = ((long) strayStart[k] << 32) | strayWidth[k];
        }
        Arrays.sort(cuts);
        StringBuilder kept = new StringBuilder(out.length());
        int from = 0;
        for (long cut : cuts) {
            int at = (int) (cut >>> 32);
            int w = (int) cut;
            if (at >= from) {
                kept.append(out, from, at);
                from = Math.min(out.length(), at + w);
            }
        }
        kept.append(out, from, out.length());
        return kept.toString();
    }
}
