package llm.eval.fewshot;

import java.util.Objects;

/** One input/output pair: a shot in the prompt, or an item to evaluate. */
public record Example(String input, String output) {
    public Example {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
    }
}
