package llm.eval.fewshot;

import java.util.List;

/**
 * A model seen as text in, text out: continue {@code prompt} until one of {@code stops} appears, end of text, or
 * {@code maxTokens} new tokens. Returns the continuation with the stop and what follows it removed. The command
 * implements it with a model and a sampler; tests implement it with a script.
 */
@FunctionalInterface
public interface Completer {
    String complete(String prompt, List<String> stops, int maxTokens);
}
