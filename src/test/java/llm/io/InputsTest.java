package llm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InputsTest {
    @Test
    void stdinFromATerminalSaysHowToEndIt() throws Exception {
        InputStream savedIn = System.in;
        PrintStream savedErr = Log.err();
        java.util.function.BooleanSupplier savedTerminal = Inputs.stdinIsTerminal;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream("hi".getBytes(StandardCharsets.UTF_8)));
            Log.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            Inputs.stdinIsTerminal = () -> false;
            try (InputStream in = Inputs.open("-")) {
                assertEquals("hi", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals("", log.toString(StandardCharsets.UTF_8), "a pipe: nothing to say");
            Inputs.stdinIsTerminal = () -> true;
            Inputs.open("-").close();
            assertEquals("reading stdin from the terminal (Ctrl-D to end)\n", log.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(savedIn);
            Log.setErr(savedErr);
            Inputs.stdinIsTerminal = savedTerminal;
        }
    }
}
