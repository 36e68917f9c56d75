package llm.cli;

import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import llm.data.Titles;
import llm.eval.memorize.DocumentReader;
import llm.eval.memorize.DocumentSource;
import llm.eval.memorize.Split;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Where documents come from, for the commands that read a corpus document by document (score, memorize-check):
 * input files or stdin (MediaWiki dumps as their articles), how plain text is cut ({@code --split}), the JSON Lines
 * fields, and which documents ({@code --titles}) and how many ({@code --limit}).
 */
public final class DocumentOptions {
    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = "Input files ('-' for stdin, the default); .gz/.bz2/.xz/.zst are decompressed; *.jsonl "
                    + "files are read as JSON Lines; a MediaWiki XML dump (.xml, .xml.bz2, multistream; told by "
                    + "its content) is read as its articles, one document each, its title the id.")
    List<String> files = new ArrayList<>();

    @Option(names = "--split", paramLabel = "none|blank-line|line|wikitext", defaultValue = "none",
            description = "Cut plain text into documents: none (one per file), blank-line (paragraphs), line, or "
                    + "wikitext (an article per top-level heading ' = Title = ', its title the id); not for "
                    + "MediaWiki dumps (an article each). Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--titles", paramLabel = "A,B,...|@FILE",
            description = "Only the documents with these titles (ids): a comma-separated list, or @FILE with one "
                    + "title per line; '_' matches a space. Reading stops once all are found.")
    String titles;

    @Option(names = "--text-field", paramLabel = "NAME",
            description = "Read JSON Lines and take the document text from this field (default for *.jsonl: text).")
    String textField;

    @Option(names = "--id-field", paramLabel = "NAME",
            description = "With JSON Lines: the field holding the document id (default: FILE:LINE).")
    String idField;

    @Option(names = "--limit", paramLabel = "N", description = "Stop after N documents.")
    Long limit;

    /** {@code --limit}, or null for all documents (exit 2 below 1). */
    public Long limit() {
        if (limit != null && limit < 1) {
            throw UserException.usage("--limit must be at least 1, not " + limit);
        }
        return limit;
    }

    /** The {@code --split} mode (exit 2 when unknown); checks {@code --titles} too, before any model loads. */
    public Split split() {
        titles();
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

    /**
     * {@code args} with {@code --titles @FILE} joined into {@code --titles=@FILE}: picocli would otherwise expand a
     * lone {@code @FILE} argument as an argument file (its words becoming arguments) before {@code --titles} sees it.
     */
    public static String[] keepTitleFiles(String... args) {
        List<String> out = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                out.addAll(List.of(args).subList(i, args.length));
                break;
            }
            if (args[i].equals("--titles") && i + 1 < args.length && args[i + 1].startsWith("@")) {
                out.add("--titles=" + args[++i]);
            } else {
                out.add(args[i]);
            }
        }
        return out.toArray(new String[0]);
    }

    /** The {@code --titles} selection, or null for all documents (exit 2 when its @FILE cannot be read). */
    public Titles titles() {
        if (titles != null && selection == null) {
            selection = Titles.parse("--titles", titles);
        }
        return selection;
    }

    private Titles selection;

    /** The documents of one input ({@code --titles}: only those). */
    public DocumentReader open(String name) {
        DocumentReader r = DocumentSource.open(name, split(), textField, idField);
        return titles() == null ? r : r.selecting(titles());
    }
}
