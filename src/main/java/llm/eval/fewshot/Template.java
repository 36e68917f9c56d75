package llm.eval.fewshot;

import llm.UserException;

/**
 * How one example is written in the prompt, e.g. {@code {input} => {output}} (the default) or
 * {@code Q: {input}\nA: {output}}. A template holds {@code {input}} once and, after it, {@code {output}} once:
 * {@code head {input} mid {output} tail}.
 *
 * <p>A query is written as {@code head + input + mid} with trailing spaces and tabs removed, so the prompt ends
 * at {@code =>}, not at a space: BPE tokenizers attach a word's leading space to the word, and the model then
 * continues with {@code " chat"} as it saw in training. The answer is the continuation up to {@code tail} (when
 * the template has one) or the delimiter, stripped of surrounding white space.
 */
public record Template(String head, String mid, String tail) {
    public static final String DEFAULT = "{input} => {output}";
    private static final String IN = "{input}";
    private static final String OUT = "{output}";

    public static Template defaults() {
        return parse(DEFAULT);
    }

    /** Parse a template (escapes already decoded); errors name {@code --template}. */
    public static Template parse(String text) {
        int i = text.indexOf(IN);
        int o = text.indexOf(OUT);
        if (i < 0 || o < 0) {
            throw UserException.usage("--template must contain {input} and {output}, e.g. '" + DEFAULT + "', not '"
                    + Escapes.encode(text) + "'");
        }
        if (text.indexOf(IN, i + 1) >= 0 || text.indexOf(OUT, o + 1) >= 0) {
            throw UserException.usage("--template must contain {input} and {output} once each");
        }
        if (o < i) {
            throw UserException.usage("--template must have {input} before {output}");
        }
        return new Template(text.substring(0, i), text.substring(i + IN.length(), o), text.substring(o + OUT.length()));
    }

    /** The example as a shot: {@code head input mid output tail}. */
    public String render(Example e) {
        return head + e.input() + mid + e.output() + tail;
    }

    /** The start of a shot up to where the answer goes, without trailing spaces: {@code "cheese =>"}. */
    public String query(String input) {
        String q = head + input + mid;
        int end = q.length();
        while (end > 0 && (q.charAt(end - 1) == ' ' || q.charAt(end - 1) == '\t')) {
            end--;
        }
        return q.substring(0, end);
    }

    @Override
    public String toString() {
        return head + IN + mid + OUT + tail;
    }
}
