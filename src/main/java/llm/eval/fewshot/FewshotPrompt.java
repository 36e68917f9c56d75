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
public record FewshotPrompt(String instruction, Template template, String delimiter, List<Example> shots,
                            List<String> extraStops) {
    public static final String DEFAULT_DELIMITER = "\n";

    public FewshotPrompt(String instruction, Template template, String delimiter, List<Example> shots) {
        this(instruction, template, delimiter, shots, List.of());
    }

    public FewshotPrompt {
        extraStops = extraStops == null ? List.of() : List.copyOf(extraStops);
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
        return new FewshotPrompt(instruction, template, delimiter, newShots, extraStops);
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

    /**
     * Where the answer ends: the template's tail when it has one (other than white space), the delimiter, and any
     * extra stops (e.g. {@code " "} to keep one word). Stops count after the answer's leading spaces (see {@link Stops}).
     */
    public List<String> stops() {
        List<String> stops = new ArrayList<>(2 + extraStops.size());
        if (!template.tail().isBlank()) {
            stops.add(template.tail());
        }
        stops.add(delimiter);
        for (String s : extraStops) {
            if (!s.isEmpty() && !stops.contains(s)) {
                stops.add(s);
            }
        }
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
