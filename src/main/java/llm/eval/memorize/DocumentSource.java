package llm.eval.memorize;

import java.io.BufferedReader;
import llm.compute.Quantity;
import llm.data.Utf8Reader;
import llm.io.Inputs;
import llm.io.Log;

/** Opens the inputs named on a command line as documents (plain text cut by a {@link Split}, or JSON Lines). */
public final class DocumentSource {
    private DocumentSource() {}

    /**
     * Open {@code name} ("-" is stdin; compressed files are decompressed). JSON Lines when {@code textField} is given or
     * the name ends in .jsonl / .jsonl.gz (field "text" then); plain text cut by {@code split} otherwise.
     */
    public static DocumentReader open(String name, Split split, String textField, String idField) {
        Utf8Reader utf8 = new Utf8Reader(Inputs.open(name)); // U+FFFD for ill-formed bytes, as llm tokenize
        BufferedReader in = new BufferedReader(utf8, 1 << 16);
        String source = Inputs.displayName(name);
        DocumentReader r = textField != null || isJsonl(name)
                ? DocumentReader.jsonl(in, source, textField == null ? "text" : textField, idField)
                : DocumentReader.text(in, source, split);
        return r.inputBytes(utf8::bytesRead).atEnd(() -> {
            if (utf8.malformed() > 0) {
                Log.warn("%s: %s replaced with U+FFFD", source,
                        Quantity.plural(utf8.malformed(), "invalid UTF-8 sequence"));
            }
        });
    }

    static boolean isJsonl(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT).replaceFirst("\\.(gz|bz2|xz|zst)$", "");
        return n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }
}
