package llm.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextStreamTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCharacterSplitBetweenTokensIsHeldUntilComplete() {
        List<String> chunks = new ArrayList<>();
        TextStream s = new TextStream(List.of(), c -> chunks.add(new String(c, StandardCharsets.UTF_8)));
        byte[] euro = b("€"); // 3 bytes
        s.write(new byte[] {'a', euro[0]});
        s.write(new byte[] {euro[1]});
        s.write(new byte[] {euro[2], 'b'});
        s.finish();
        assertEquals(List.of("a", "€b"), chunks);
    }

    @Test
    void aCutCharacterAtTheEndBecomesAReplacementChar() {
        TextStream s = new TextStream(List.of(), c -> { });
        s.write(new byte[] {'a', b("é")[0]});
        s.finish();
        assertEquals("a\uFFFD", new String(s.emitted(), StandardCharsets.UTF_8));
    }

    @Test
    void stopStringsMatchAcrossPiecesAndHoldOnlyWhatMightMatch() {
        List<String> chunks = new ArrayList<>();
        TextStream s = new TextStream(List.of("\n\n", "END"), c -> chunks.add(new String(c, StandardCharsets.UTF_8)));
        assertFalse(s.write(b("one\n")));
        assertEquals(List.of("one"), chunks);
        assertFalse(s.write(b("two E")));
        assertEquals("one\ntwo ", String.join("", chunks));
        assertTrue(s.write(b("ND more")));
        s.finish();
        assertEquals("one\ntwo ", new String(s.emitted(), StandardCharsets.UTF_8));
    }

    @Test
    void malformedUtf8FromTheModelBecomesReplacementCharsUnlessRaw() {
        // the bytes a tiny byte-level model emitted: a 4-byte lead with one continuation, then 'v'; a stray
        // continuation byte; then a valid 'é' split over two tokens
        byte[][] tokens = {{(byte) 0xf2, (byte) 0x96}, {'v', 'e'}, {(byte) 0x99, 'l'}, {(byte) 0xc3}, {(byte) 0xa9}};
        java.io.ByteArrayOutputStream repaired = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        TextStream fixed = new TextStream(List.of(), repaired::writeBytes, true);
        TextStream same = new TextStream(List.of(), raw::writeBytes, false);
        for (byte[] t : tokens) {
            fixed.write(t);
            same.write(t);
        }
        fixed.finish();
        same.finish();
        assertEquals("\uFFFDve\uFFFDlé", new String(repaired.toByteArray(), StandardCharsets.UTF_8));
        assertTrue(TextStream.validUtf8(repaired.toByteArray()));
        assertArrayEquals(new byte[] {(byte) 0xf2, (byte) 0x96, 'v', 'e', (byte) 0x99, 'l', (byte) 0xc3, (byte) 0xa9},
                raw.toByteArray(), "raw mode passes the model's bytes unchanged (llama2.c compatibility)");
    }

    @Test
    void heldPrefixIsReleasedAtTheEnd() {
        TextStream s = new TextStream(List.of("STOP"), c -> { });
        s.write(b("go ST"));
        s.finish();
        assertEquals("go ST", new String(s.emitted(), StandardCharsets.UTF_8));
    }
}
