package llm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import llm.UserException;
import org.junit.jupiter.api.Test;

class StrictUtf8ReaderTest {
    static String read(byte[] b) throws Exception {
        return StrictUtf8Reader.readAll(new ByteArrayInputStream(b), "t.txt");
    }

    @Test
    void wholeTextIsReadAsIsAcrossBufferBoundaries() throws Exception {
        String s = "用户：你好\n".repeat(20_000) + "é"; // 3-byte characters cut by every 64K block boundary
        assertEquals(s, read(s.getBytes(StandardCharsets.UTF_8)));
        assertEquals("", read(new byte[0]));
    }

    @Test
    void theFirstBadByteIsNamedByItsOffset() {
        UserException e = assertThrows(UserException.class, () -> read(new byte[] {'o', 'k', (byte) 0xFF, 'x'}));
        assertEquals("t.txt: not UTF-8 text (byte 2)", e.getMessage());
        assertEquals(UserException.RUNTIME, e.exitCode());
        // far in, after a block boundary
        byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 'a');
        big[150_001] = (byte) 0x80;
        e = assertThrows(UserException.class, () -> read(big));
        assertEquals("t.txt: not UTF-8 text (byte 150001)", e.getMessage());
        // a character cut short by the end of the input
        e = assertThrows(UserException.class, () -> read(new byte[] {'a', (byte) 0xE4, (byte) 0xBD}));
        assertEquals("t.txt: not UTF-8 text (byte 1)", e.getMessage());
    }
}
