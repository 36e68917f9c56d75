package llm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import llm.io.Trickle;
import org.junit.jupiter.api.Test;

class TokenDecoderTest {
    /**
     * --decode --lines from a pipe whose writer is slow: each line of ids is printed (and flushed) once nothing more
     * has arrived, not when 32K characters or the input's end come (here the stream fails when read past what has
     * arrived, as a pipe would wait).
     */
    @Test
    void linesOfIdsFromASlowPipeArePrintedAsTheyCome() {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        Trickle pipe = new Trickle(false, "104 105\n".getBytes(StandardCharsets.UTF_8),
                "33 10".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class,
                () -> new TokenDecoder(new ByteTokenizer(), false, true).decode(pipe, "pipe", new StringBuilder(), out));
        assertEquals("hi\n!", text.toString()); // and of the second line what has come: 33 (10 may go on)
    }
}
