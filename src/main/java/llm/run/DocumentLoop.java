package llm.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import llm.UserException;
import llm.eval.memorize.Document;
import llm.eval.memorize.DocumentReader;
import llm.io.Inputs;
import llm.io.Log;

/**
 * The documents of score and memorize-check: each input opened in turn and its documents handed on, up to a limit;
 * a read failure is one runtime error naming the input.
 *
 * @param limit       --limit (null: all)
 * @param warnIfEmpty say on stderr which of several inputs held no documents
 */
public record DocumentLoop(Long limit, boolean warnIfEmpty) {
    /** Hands each document of {@code inputs} (opened by {@code open}) to {@code each}. */
    public void run(List<String> inputs, Function<String, DocumentReader> open, Consumer<Document> each) {
        long docs = 0;
        for (String name : inputs) {
            long before = docs;
            try (DocumentReader reader = open.apply(name)) {
                while (true) {
                    // the limit first: asking for one more document reads on (a pipe: waits for its writer)
                    if (limit != null && docs >= limit) {
                        return;
                    }
                    if (!reader.hasNext()) {
                        break;
                    }
                    each.accept(reader.next());
                    docs++;
                }
            } catch (UncheckedIOException e) {
                throw UserException.runtime(e.getMessage(), e);
            } catch (IOException e) {
                throw UserException.runtime(name + ": " + e.getMessage(), e);
            }
            if (warnIfEmpty && docs == before && inputs.size() > 1) { // (with one input, the error at the end says it)
                Log.warn("%s: no documents", Inputs.displayName(name));
            }
        }
    }
}
