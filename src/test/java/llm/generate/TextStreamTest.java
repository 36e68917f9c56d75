package llm.generate;

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
    void a_character_split_between_tokens_is_held_until_complete() {
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
    void a_cut_character_at_the_end_becomes_a_replacement_char() {
        TextStream s = new TextStream(List.of(), c -> { });
        s.write(new byte[] {'a', b("é")[0]});
        s.finish();
        assertEquals("a\uFFFD", new String(s.emitted(), StandardCharsets.UTF_8));
    }

    @Test
    void stop_strings_match_across_pieces_and_hold_only_what_might_match() {
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
    void held_prefix_is_released_at_the_end() {
        TextStream s = new TextStream(List.of("STOP"), c -> { });
        s.write(b("go ST"));
        s.finish();
        assertEquals("go ST", new String(s.emitted(), StandardCharsets.UTF_8));
    }
}
