package llm.cli;

import llm.io.Log;
import picocli.CommandLine.Option;

/** {@code -q/--quiet} and {@code -v/--verbose}: how much goes to stderr. Data on stdout is never affected. */
public final class LogOptions {
    @Option(names = {"-q", "--quiet"}, description = "Print nothing on stderr but errors and warnings.")
    void setQuiet(boolean quiet) {
        if (quiet) {
            Log.setLevel(Log.Level.QUIET);
        }
    }

    @Option(names = {"-v", "--verbose"}, description = "Print more detail on stderr (timings, engine logs, stack traces).")
    void setVerbose(boolean verbose) {
        if (verbose) {
            Log.setLevel(Log.Level.VERBOSE);
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
    }
}
