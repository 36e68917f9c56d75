package llm.eval.memorize;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.InputStream;
import llm.compute.Quantity;
import llm.data.Utf8Reader;
import llm.data.wiki.Articles;
import llm.data.wiki.DumpFormat;
import llm.io.Inputs;
import llm.io.Log;

/**
 * Opens the inputs named on a command line as documents: plain text cut by a {@link Split}, JSON Lines, or a MediaWiki
 * XML dump (told by its content; one document per article, its title the id, its plain text the text; {@code --split}
 * does not apply).
 */
public final class DocumentSource {
    private DocumentSource() {}

    /**
     * Open {@code name} ("-" is stdin; compressed files are decompressed). JSON Lines when {@code textField} is given or
     * the name ends in .jsonl / .jsonl.gz (field "text" then); the articles of a MediaWiki dump when the content is
     * one; plain text cut by {@code split} otherwise.
     */
    public static DocumentReader open(String name, Split split, String textField, String idField) {
        InputStream raw = Inputs.open(name);
        BufferedInputStream bytes = raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 1 << 16);
        if (textField == null && !isJsonl(name) && isDump(bytes, name)) {
            return DocumentReader.articles(Articles.open(bytes, name));
        }
        Utf8Reader utf8 = new Utf8Reader(bytes); // U+FFFD for ill-formed bytes, as llm tokenize
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

    private static boolean isDump(BufferedInputStream in, String name) {
        try {
            return DumpFormat.isDump(in);
        } catch (java.io.IOException e) {
            throw Inputs.readError(name, e);
        }
    }

    static boolean isJsonl(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT).replaceFirst("\\.(gz|bz2|xz|zst)$", "");
        return n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }
}
