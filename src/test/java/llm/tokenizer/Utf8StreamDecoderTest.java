package llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8StreamDecoderTest {
    @Test
    void splitCharactersAreHeldBackNotReplaced() {
        byte[] b = "a\uD55C\uD83D\uDE00".getBytes(StandardCharsets.UTF_8); // a, 한 (3 bytes), 😀 (4 bytes)
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        StringBuilder out = new StringBuilder();
        for (byte x : b) { // one byte at a time, as byte-fallback tokens arrive
            String s = d.feed(new byte[] {x});
            assertFalse(s.contains("\uFFFD"), s);
            out.append(s);
        }
        assertEquals("", d.finish());
        assertEquals("a\uD55C\uD83D\uDE00", out.toString());
        assertEquals(0, d.malformedCount());
    }

    @Test
    void matchesJavaDecodingOfRandomBytesUnderRandomSplits() {
        Random r = new Random(1);
        for (int k = 0; k < 2000; k++) {
            byte[] b = new byte[r.nextInt(24)];
            for (int i = 0; i < b.length; i++) {
                // bias towards UTF-8 lead/continuation bytes so that sequences are often (in)complete
                int kind = r.nextInt(4);
                b[i] = (byte) (kind == 0 ? r.nextInt(0x80) : kind == 1 ? 0x80 + r.nextInt(0x40)
                        : kind == 2 ? 0xC0 + r.nextInt(0x40) : r.nextInt(256));
                if (b[i] == (byte) 0xED) {
                    b[i] = (byte) 0xEC; // Java replaces an encoded surrogate (ED A0..BF) as one unit, Unicode as two
                }
            }
            List<Long> bad = new ArrayList<>();
            Utf8StreamDecoder d = new Utf8StreamDecoder(bad::add);
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < b.length) {
                int n = Math.min(b.length - i, 1 + r.nextInt(4));
                d.feed(b, i, n, out);
                i += n;
            }
            d.finish(out);
            String expected = new String(b, StandardCharsets.UTF_8);
            assertEquals(expected, out.toString(), () -> java.util.HexFormat.of().formatHex(b));
            assertEquals(expected.chars().filter(c -> c == 0xFFFD).count(), d.malformedCount());
            assertEquals(bad.size(), d.malformedCount());
            assertEquals(b.length, d.byteOffset());
        }
    }

    @Test
    void encodedSurrogatesFollowUnicodePractice() {
        // Unicode's "maximal subpart" rule (as Python and WHATWG decoders): ED BD is two ill-formed bytes
        Utf8StreamDecoder d = new Utf8StreamDecoder();
        assertEquals("\uFFFD\uFFFDx", d.feed(new byte[] {(byte) 0xED, (byte) 0xBD, 'x'}) + d.finish());
    }

    @Test
    void reportsTheOffsetOfBadBytes() {
        List<Long> bad = new ArrayList<>();
        Utf8StreamDecoder d = new Utf8StreamDecoder(bad::add);
        d.feed(new byte[] {'o', 'k', (byte) 0xFF, 'x', (byte) 0xE2, (byte) 0x82});
        assertTrue(d.hasPending());
        assertEquals("\uFFFD", d.finish());
        assertEquals(List.of(2L, 4L), bad);
    }
}
