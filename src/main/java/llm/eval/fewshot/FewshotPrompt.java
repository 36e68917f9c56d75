package llm.eval.fewshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a few-shot prompt, the lecture's first trick:
 * <pre>
 * English to French:          &lt;- instruction (optional), then a newline
 * sea otter => loutre de mer  &lt;- shot 1 (template), then the delimiter
 * cheese => fromage           &lt;- shot K, then the delimiter
 * bread =>                    &lt;- the query: the template up to {output}, trailing spaces removed
 * </pre>
 * The model continues the pattern; {@link #answer} cuts its continuation at the template's tail (if any) or the
 * delimiter and strips white space.
 */
public record FewshotPrompt(String instruction, Template template, String delimiter, List<Example> shots) {
    public static final String DEFAULT_DELIMITER = "\n";

    public FewshotPrompt {
        instruction = instruction == null ? "" : instruction;
        template = template == null ? Template.defaults() : template;
        delimiter = delimiter == null ? DEFAULT_DELIMITER : delimiter;
        shots = List.copyOf(shots);
        if (delimiter.isEmpty()) {
            throw llm.UserException.usage("--delimiter must not be empty");
        }
    }

    /** The same prompt with other shots (for a sweep). */
    public FewshotPrompt withShots(List<Example> newShots) {
        return new FewshotPrompt(instruction, template, delimiter, newShots);
    }

    /** The prompt whose continuation answers {@code input}. */
    public String build(String input) {
        StringBuilder sb = new StringBuilder();
        if (!instruction.isEmpty()) {
            sb.append(instruction);
            if (!instruction.endsWith("\n")) {
                sb.append('\n');
            }
        }
        for (Example e : shots) {
            sb.append(template.render(e)).append(delimiter);
        }
        sb.append(template.query(input));
        return sb.toString();
    }

    /** Where the answer ends: the template's tail when it has one (other than white space), and the delimiter. */
    public List<String> stops() {
        List<String> stops = new ArrayList<>(2);
        if (!template.tail().isBlank()) {
            stops.add(template.tail());
        }
        stops.add(delimiter);
        return stops;
    }

    /** The answer in a continuation: up to the first stop, white space stripped. */
    public String answer(String continuation) {
        return Stops.cut(continuation, stops()).strip();
    }

    /** Ask {@code model} for the answer to {@code input}. */
    public String ask(Completer model, String input, int maxTokens) {
        return answer(model.complete(build(input), stops(), maxTokens));
    }
}
