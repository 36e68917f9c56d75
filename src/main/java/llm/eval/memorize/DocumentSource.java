package llm.eval.memorize;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import llm.io.Inputs;

/** Opens the inputs named on a command line as documents (plain text cut by a {@link Split}, or JSON Lines). */
public final class DocumentSource {
    private DocumentSource() {}

    /**
     * Open {@code name} ("-" is stdin; compressed files are decompressed). JSON Lines when {@code textField} is given or
     * the name ends in .jsonl / .jsonl.gz (field "text" then); plain text cut by {@code split} otherwise.
     */
    public static DocumentReader open(String name, Split split, String textField, String idField) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        BufferedReader in = new BufferedReader(new InputStreamReader(Inputs.open(name), decoder), 1 << 16);
        String source = "-".equals(name) ? "stdin" : name;
        if (textField != null || isJsonl(name)) {
            return DocumentReader.jsonl(in, source, textField == null ? "text" : textField, idField);
        }
        return DocumentReader.text(in, source, split);
    }

    static boolean isJsonl(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT).replaceFirst("\\.(gz|bz2|xz|zst)$", "");
        return n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }
}
