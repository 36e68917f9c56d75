package llm.eval.memorize;

import java.util.Locale;

/** How a plain-text input is cut into documents ({@code --split}). */
public enum Split {
    /** The whole file is one document (the default). */
    NONE,
    /** Paragraphs: runs of non-blank lines separated by one or more blank lines. */
    BLANK_LINE,
    /** Every non-blank line is a document. */
    LINE,
    /** WikiText articles: a top-level heading line {@code " = Title = "} starts each; {@code " = = Sub = = "} stays. */
    WIKITEXT;

    /** The {@code --split} value: the name in lower case, '-' for '_' ({@code blank-line}). */
    public String flag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parse a {@code --split} value; null when unknown. */
    public static Split fromFlag(String s) {
        for (Split v : values()) {
            if (v.flag().equals(s)) {
                return v;
            }
        }
        return null;
    }
}
