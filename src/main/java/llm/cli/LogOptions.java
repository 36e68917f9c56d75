package llm.cli;

import picocli.CommandLine.Option;

/**
 * {@code -q/--quiet} and {@code -v/--verbose}: how much goes to stderr. Data on stdout is never affected.
 * The root command applies them (see {@link Llm#applyLogLevel}) before the chosen command runs.
 */
public final class LogOptions {
    @Option(names = {"-q", "--quiet"}, order = 90, description = "Print nothing on stderr but errors and warnings.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, order = 91,
            description = "Print more detail on stderr (timings, engine logs, stack traces).")
    boolean verbose;
}
