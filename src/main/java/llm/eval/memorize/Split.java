package llm.eval.memorize;

/** How a plain-text input is cut into documents ({@code --split}). */
public enum Split {
    /** The whole file is one document (the default). */
    NONE("none"),
    /** Paragraphs: runs of non-blank lines separated by one or more blank lines. */
    BLANK_LINE("blank-line"),
    /** Every non-blank line is a document. */
    LINE("line"),
    /** WikiText articles: a top-level heading line {@code " = Title = "} starts each; {@code " = = Sub = = "} stays. */
    WIKITEXT("wikitext");

    private final String flag;

    Split(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    /** Parse a {@code --split} value; null when unknown. */
    public static Split fromFlag(String s) {
        for (Split v : values()) {
            if (v.flag.equals(s)) {
                return v;
            }
        }
        return null;
    }
}
