package llm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenTextTest {
    @Test
    void wholeCharactersAreTextOnlyAndPiecesOfOneAlsoGetTheirBytes() {
        JsonObject whole = new JsonObject();
        TokenText.add(whole, " café".getBytes(StandardCharsets.UTF_8));
        assertEquals(" café", whole.get("text").getAsString());
        assertFalse(whole.has("bytes"));

        byte[] dash = "—".getBytes(StandardCharsets.UTF_8); // E2 80 94, split as byte-level BPE may split it
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < dash.length; i++) {
            JsonObject piece = new JsonObject();
            TokenText.add(piece, new byte[] {dash[i]});
            assertEquals("\uFFFD", piece.get("text").getAsString());
            for (JsonElement b : piece.getAsJsonArray("bytes")) {
                joined.write(b.getAsInt());
            }
        }
        assertArrayEquals(dash, joined.toByteArray());
    }

    @Test
    void utf8Check() {
        assertTrue(TokenText.isUtf8("naïve — ok".getBytes(StandardCharsets.UTF_8)));
        assertTrue(TokenText.isUtf8(new byte[0]));
        assertFalse(TokenText.isUtf8(new byte[] {(byte) 0xe2, (byte) 0x80}));
        assertFalse(TokenText.isUtf8(new byte[] {(byte) 0xff}));
    }
}
