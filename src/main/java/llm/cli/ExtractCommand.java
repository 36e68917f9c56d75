package llm.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import llm.UserException;
import llm.eval.memorize.Document;
import llm.eval.memorize.DocumentReader;
import llm.io.Inputs;
import llm.io.Log;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code llm extract}: the documents that score and memorize-check would see, as JSON Lines. */
@Command(name = "extract", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Print the documents of the inputs as JSON Lines, one object per document: {\"id\": ..., \"title\": ..."
                    + " (for MediaWiki dump articles and --split wikitext articles), \"text\": ...}.",
            "The documents are those memorize-check and score see with the same flags: a MediaWiki XML dump's "
                    + "articles (main namespace, no redirects) as plain text with their titles, WikiText articles, "
                    + "paragraphs or lines of plain text (--split), JSON Lines records (--text-field), compressed "
                    + "or not. A pipe stage: its output is JSON Lines that memorize-check --text-field text - reads "
                    + "back."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE,
            "1:Runtime failure: an input cannot be read, or it is malformed (after the documents before the fault).",
            ExitCodes.USAGE_LINE_NO_DEVICE},
        footerHeading = "%nExamples:%n",
        footer = {
            "  llm extract enwiki-latest-pages-articles-multistream.xml.bz2 | jq -r .title",
            "  llm extract --titles Aardvark,Zebra enwiki.xml.bz2",
            "  llm extract --split wikitext --limit 3 wiki.test.raw",
            "  llm extract enwiki.xml.bz2 | llm memorize-check --text-field text \\",
            "      --id-field id -"
        })
public final class ExtractCommand extends LlmCommand {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    @Mixin
    DocumentOptions documents;


    @Override
    public Integer call() {
        documents.split(); // bad flags fail before anything is read
        Long limit = documents.limit(); // (exit 2 below 1)
        PrintWriter out = spec.commandLine().getOut();
        long docs = 0;
        for (String name : documents.inputs()) {
            try (DocumentReader reader = documents.open(name)) {
                while ((limit == null || docs < limit) && reader.hasNext()) {
                    Document d = reader.next();
                    if (d.skipReason() != null) {
                        Log.warn("%s: skipped: %s", d.id(), d.skipReason());
                        continue;
                    }
                    JsonObject o = new JsonObject();
                    o.addProperty("id", d.id());
                    if (reader.titled()) {
                        o.addProperty("title", d.id());
                    }
                    o.addProperty("text", d.text());
                    out.println(GSON.toJson(o));
                    docs++;
                }
            } catch (UncheckedIOException e) {
                throw UserException.runtime(e.getMessage(), e);
            } catch (IOException e) {
                throw UserException.runtime(Inputs.displayName(name) + ": " + Inputs.reason(e), e);
            }
            if (limit != null && docs >= limit) {
                break;
            }
        }
        out.flush();
        Log.debug("extract: %,d documents", docs);
        return ExitCodes.OK;
    }
}
