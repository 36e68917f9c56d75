package llm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * A pipe's first short line is not held back for the 12 bytes the compression check reads (here the stream fails
     * when read past what has arrived); a short first read that may begin a compressed stream still gets the check.
     */
    @Test
    void aShortFirstLineFromAPipeIsNotWaitedOn() throws Exception {
        Trickle pipe = new Trickle(false, "154 99\n".getBytes(StandardCharsets.UTF_8));
        InputStream plain = Inputs.decompressed(new java.io.BufferedInputStream(pipe), "pipe");
        assertEquals("154 99\n", new String(plain.readNBytes(7), StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertFalse(pipe.readPast(), "waited for more than the first line");
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
            z.write("compressed\n".getBytes(StandardCharsets.UTF_8));
        }
        byte[] b = gz.toByteArray();
        InputStream unzipped = Inputs.decompressed(new java.io.BufferedInputStream(new Trickle(true,
                java.util.Arrays.copyOf(b, 1), java.util.Arrays.copyOfRange(b, 1, b.length))), "pipe.gz");
        assertEquals("compressed\n", new String(unzipped.readAllBytes(), StandardCharsets.UTF_8));
        // bytes some format may start with (lzma: 5D 00 00), and bytes none does
        for (byte[] head : new byte[][] {{'x'}, {'B', 'Z'}, {']'}, {0x5D, 0}, {'(', (byte) 0xB5}, {'T'}, {0x1F}}) {
            assertTrue(Inputs.mayBeCompressed(new java.io.BufferedInputStream(new Trickle(true, head))),
                    java.util.Arrays.toString(head));
        }
        for (String text : new String[] {"The", "Bx", "154 99", "(a)", "x"}) {
            assertEquals(text.equals("x"), Inputs.mayBeCompressed(new java.io.BufferedInputStream(
                    new Trickle(true, text.getBytes(StandardCharsets.UTF_8)))), text);
        }
    }
}
