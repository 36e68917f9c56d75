package llm.data;

import java.util.Locale;
import java.util.regex.Pattern;
import llm.UserException;

/**
 * How text sources are cut into documents.
 *
 * @param textField  the JSON Lines field holding a document's text ({@code --text-field}, default "text")
 * @param split      how plain-text files are cut into documents
 * @param chunkChars a document reaches the sink in pieces of about this many characters, cut at line ends
 */
public record CorpusOptions(String textField, Split split, int chunkChars) {

    /** The line that separates documents in plain text under {@link Split#EOT_LINES}. */
    public static final String EOT_LINE = "<|endoftext|>";

    /** WikiText's article heading: {@code " = Title = "} (sections are {@code " = = Section = = "}). */
    static final Pattern WIKITEXT_TITLE = Pattern.compile("^ = [^=].* = $");

    public enum Split {
        /** Each file is one document. */
        FILE,
        /** A line that is exactly {@code <|endoftext|>} ends a document (TinyStories' text dumps); the default. */
        EOT_LINES,
        /** A WikiText article heading line ({@code " = Title = "}) starts a new document; also {@code <|endoftext|>}. */
        WIKITEXT;

        public static Split parse(String s, String flag) {
            return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "file" -> FILE;
                case "eot", "eot-lines", "endoftext" -> EOT_LINES;
                case "wikitext" -> WIKITEXT;
                default -> throw UserException.usage(flag + ": unknown document split '" + s
                        + "' (file, eot-lines, wikitext)");
            };
        }
    }

    public static final CorpusOptions DEFAULT = new CorpusOptions("text", Split.EOT_LINES, 1 << 20);

    public CorpusOptions {
        if (textField == null || textField.isEmpty()) {
            throw UserException.usage("--text-field must not be empty");
        }
        if (chunkChars < 1) {
            throw UserException.usage("chunk size must be positive");
        }
    }

    public CorpusOptions withTextField(String field) {
        return new CorpusOptions(field, split, chunkChars);
    }

    public CorpusOptions withSplit(Split s) {
        return new CorpusOptions(textField, s, chunkChars);
    }

    public CorpusOptions withChunkChars(int n) {
        return new CorpusOptions(textField, split, n);
    }
}
