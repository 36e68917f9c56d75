package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import llm.UserException;
import llm.io.ClosedPipeException;
import llm.io.Stdio;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ClosedPipeTest {
    @Test
    void aWriteToAClosedPipeBecomesClosedPipeException() {
        OutputStream saved = Stdio.stdout();
        try {
            Stdio.setStdout(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("Broken pipe");
                }
            });
            PrintWriter w = Stdio.textOut();
            assertThrows(ClosedPipeException.class, () -> w.println("x"));
        } finally {
            Stdio.setStdout(saved);
        }
    }

    @Test
    void closedPipeExitsZeroQuietly() {
        CommandLine cmd = Llm.newCommandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        int code = Llm.handleExecutionException(new RuntimeException(new ClosedPipeException(new IOException("Broken pipe"))), cmd, null);
        assertEquals(0, code);
        assertEquals("", err.toString());
    }

    @Test
    void userErrorsAreOneLineWithTheirCode() {
        CommandLine cmd = Llm.newCommandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        int code = Llm.handleExecutionException(UserException.runtime("model.bin: truncated header"), cmd, null);
        assertEquals(1, code);
        assertEquals("llm: model.bin: truncated header", err.toString().strip());
    }

    @Test
    void unexpectedErrorsAreOneLineWithoutAStackTrace() {
        CommandLine cmd = Llm.newCommandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        int code = Llm.handleExecutionException(new IllegalStateException("boom"), cmd, null);
        assertEquals(1, code);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("boom"));
    }

    @Test
    void gpuWithoutAGpuIsExitTwo() {
        org.junit.jupiter.api.Assumptions.assumeTrue(llm.engine.Engines.gpuCount() == 0, "a GPU is present");
        CliHarness.Result r = CliHarness.run("--device", "gpu", "env");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("llm: --device gpu:0: no GPU"), r.err());
        assertTrue(r.out().contains("\ngpus          0\n") && r.out().contains("\nselected      none (--device gpu:0)"),
                "env still reports what it sees:\n" + r.out());
    }
}
