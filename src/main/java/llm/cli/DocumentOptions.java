package llm.cli;

import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import llm.eval.memorize.DocumentReader;
import llm.eval.memorize.DocumentSource;
import llm.eval.memorize.Split;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Where documents come from, for the commands that read a corpus document by document (score, memorize-check):
 * input files or stdin, how plain text is cut ({@code --split}), and the JSON Lines fields.
 */
public final class DocumentOptions {
    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = "Input files ('-' for stdin, the default); .gz/.bz2/.xz/.zst are decompressed; *.jsonl "
                    + "files are read as JSON Lines.")
    List<String> files = new ArrayList<>();

    @Option(names = "--split", paramLabel = "none|blank-line|line|wikitext", defaultValue = "none",
            description = "Cut plain text into documents: none (one per file), blank-line (paragraphs), line, or "
                    + "wikitext (an article per top-level heading ' = Title = ', its title the id). "
                    + "Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--text-field", paramLabel = "NAME",
            description = "Read JSON Lines and take the document text from this field (default for *.jsonl: text).")
    String textField;

    @Option(names = "--id-field", paramLabel = "NAME",
            description = "With JSON Lines: the field holding the document id (default: FILE:LINE).")
    String idField;

    /** The {@code --split} mode (exit 2 when unknown). */
    public Split split() {
        Split sp = Split.fromFlag(split);
        if (sp == null) {
            throw UserException.usage("--split must be one of none, blank-line, line, wikitext, not '" + split + "'");
        }
        return sp;
    }

    /** The inputs in order; stdin ({@code -}) when none is given. */
    public List<String> inputs() {
        return files.isEmpty() ? List.of("-") : files;
    }

    /** The documents of one input. */
    public DocumentReader open(String name) {
        return DocumentSource.open(name, split(), textField, idField);
    }
}
