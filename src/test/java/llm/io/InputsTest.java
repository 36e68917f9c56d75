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

    @Test
    void aTruncatedCompressedStreamSaysSo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(gz)) {
            o.write(new byte[100_000]);
        }
        java.nio.file.Path cut = dir.resolve("cut.gz");
        java.nio.file.Files.write(cut, java.util.Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
        try (InputStream in = Inputs.open(cut.toString())) {
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    in::readAllBytes);
            assertEquals("unexpected end of compressed data (truncated file?)", e.getMessage());
        }
    }

    @Test
    void reasonsAreNeverNull() {
        assertEquals("disk full", Inputs.reason(new java.io.IOException("disk full")));
        assertEquals("unexpected end of file (truncated?)", Inputs.reason(new java.io.EOFException()));
        assertEquals("IOException (no details)", Inputs.reason(new java.io.IOException()));
        assertEquals("inner", Inputs.reason(new java.io.UncheckedIOException(new java.io.IOException("inner"))));
        assertEquals("permission denied", Inputs.reason(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("unknown error", Inputs.reason(null));
    }

    @Test
    void aOnePassInputCanBeKeptForASecondPass() throws Exception {
        InputStream savedIn = System.in;
        try {
            System.setIn(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
            assertEquals(true, Inputs.isStream("-"));
            java.nio.file.Path copy = Inputs.replayable("-");
            assertEquals(copy, Inputs.replayable("-"), "one copy");
            assertEquals("hello", java.nio.file.Files.readString(copy));
            for (int pass = 0; pass < 2; pass++) {
                try (InputStream in = Inputs.open("-")) {
                    assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            System.setIn(new ByteArrayInputStream("other".getBytes(StandardCharsets.UTF_8)));
            try (InputStream in = Inputs.open("-")) { // another stdin: not the copy of the first
                assertEquals("other", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            System.setIn(savedIn);
        }
    }
}
