package llm.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Small tokenizers for tests, made from ../shared's GPT-2 tokenizer.json. */
public final class TestTokenizers {
    private TestTokenizers() {}

    public static Path shared() {
        return Path.of(System.getProperty("llm.shared", "../shared"));
    }

    /**
     * GPT-2's byte-level BPE cut down to its 256 byte tokens plus {@code <|endoftext|>} = 256, no merges: a 257-token
     * tokenizer.json that encodes any text (one token per byte).
     */
    public static Path bytes(Path dir) throws IOException {
        JsonObject t = JsonParser.parseString(Files.readString(shared().resolve("tokenizers/gpt2/tokenizer.json")))
                .getAsJsonObject();
        JsonObject model = t.getAsJsonObject("model");
        JsonObject vocab = new JsonObject();
        for (Map.Entry<String, JsonElement> e : model.getAsJsonObject("vocab").entrySet()) {
            if (e.getValue().getAsInt() < 256) {
                vocab.add(e.getKey(), e.getValue());
            }
        }
        vocab.addProperty("<|endoftext|>", 256);
        model.add("vocab", vocab);
        model.add("merges", new JsonArray());
        for (JsonElement a : t.getAsJsonArray("added_tokens")) {
            a.getAsJsonObject().addProperty("id", 256);
        }
        Path out = dir.resolve("bytes-tokenizer.json");
        Files.writeString(out, t.toString());
        return out;
    }
}
