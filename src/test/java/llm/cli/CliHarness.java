package llm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code llm} in-process with captured stdout/stderr, for tests. */
public final class CliHarness {
    public record Result(int code, String out, String err) {}

    private CliHarness() {}

    public static Result run(String... args) {
        llm.io.Log.setLevel(llm.io.Log.Level.NORMAL);
        CommandLine cmd = Llm.newCommandLine(args); // as the CLI: only the command that args name
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
