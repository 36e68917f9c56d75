package llm.cli;

import java.util.List;
import llm.generate.SamplingParams;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** {@code --temperature --top-k --top-p --min-p --repetition-penalty}, shared by commands that sample. */
public final class SamplingOptions {
    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
            description = "Divide the logits by T; 0 = greedy (argmax, ties to the lowest id). Default: ${DEFAULT-VALUE}.")
    double temperature = 1.0;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0",
            description = "Sample only among the K most likely tokens (0 = off). Default: ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1.0",
            description = "Nucleus sampling: the smallest set of tokens whose probability reaches P (1 = off). "
                    + "Default: ${DEFAULT-VALUE}.")
    double topP = 1.0;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0.0",
            description = "Drop tokens less likely than P × the most likely one (0 = off). Default: ${DEFAULT-VALUE}.")
    double minP;

    @Option(names = "--repetition-penalty", paramLabel = "R", defaultValue = "1.0",
            description = "Penalise tokens already in the text (CTRL): positive logits / R, negative × R (1 = off). "
                    + "Default: ${DEFAULT-VALUE}.")
    double repetitionPenalty = 1.0;

    /** The flags of this mixin, in the order of --help. */
    static final List<String> NAMES = List.of("--temperature", "--top-k", "--top-p", "--min-p", "--repetition-penalty");

    /** The first of these flags given on the command line of {@code spec}, or null. */
    static String given(CommandSpec spec) {
        ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed == null) {
            return null;
        }
        for (String n : NAMES) {
            if (parsed.hasMatchedOption(n)) {
                return n;
            }
        }
        return null;
    }

    /** The validated parameters (exit 2 naming the flag when one is out of range). */
    public SamplingParams params() {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty);
    }
}
