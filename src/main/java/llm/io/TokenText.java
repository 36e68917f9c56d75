package llm.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A token's text in JSON output. A byte-level BPE token can be part of a UTF-8 character (one of the three bytes of
 * "—", say), which a JSON string can only show as U+FFFD: such a token also gets its raw bytes, so that
 * concatenating the tokens' bytes gives the exact text (as OpenAI's logprobs do with their {@code bytes} field).
 */
public final class TokenText {
    private TokenText() {}

    /** Adds {@code "text"}, and {@code "bytes"} (0–255 each) when the bytes are not whole UTF-8 characters. */
    public static void add(JsonObject o, byte[] bytes) {
        String whole = strictUtf8(bytes);
        o.addProperty("text", whole != null ? whole : new String(bytes, StandardCharsets.UTF_8));
        if (whole == null) {
            JsonArray raw = new JsonArray();
            for (byte b : bytes) {
                raw.add(b & 0xff);
            }
            o.add("bytes", raw);
        }
    }

    /** Whether {@code bytes} decode as UTF-8 with nothing replaced. */
    public static boolean isUtf8(byte[] bytes) {
        return strictUtf8(bytes) != null;
    }

    /** The text of {@code bytes} if they are whole UTF-8 characters, else null (one decoding either way). */
    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
