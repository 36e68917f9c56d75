package llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer.json kinds that GPT-NeoX (Pythia) and Qwen2 releases ship, built small here with their own
 * normalizer, pre-tokenizer and added tokens: {@link Tokenizers#load} must give exactly the ids that the HuggingFace
 * tokenizers library gives (through DJL's {@link HuggingFaceTokenizer}, the binding of that library, used here as
 * the reference — no hub download), and decode back to the (NFC-normalized) text.
 * <ul>
 *   <li>GPT-NeoX: NFC normalizer, ByteLevel pre-tokenizer with GPT-2's regex, {@code <|endoftext|>} and
 *   {@code <|padding|>} special, and runs of spaces as non-special added tokens (Pythia has 2 to 24 spaces).</li>
 *   <li>Qwen2: NFC, then a Split on Qwen2's own regex (case-insensitive contractions, single digits, ...) before a
 *   ByteLevel without regex; {@code <|endoftext|>}, {@code <|im_start|>}, {@code <|im_end|>} special.</li>
 * </ul>
 */
class TokenizerFamiliesTest {
    static final String QWEN2_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
            + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final List<String> TEXTS = List.of(
            "Hello world! The year 2024 had 366 days.",
            "I'LL say it's WE'VE and they'd    (four spaces)  two\ttab",
            "caf\u0065\u0301 vs caf\u00e9 — na\u00efve co\u00f6perate \u00c5ngstr\u00f6m",
            "line one\n\nline two\r\n   indented\n",
            "emoji 😀👍🏽 and 中文字符 and العربية",
            "code: for (int i = 0; i < 10; i++) { x += a[i]; }   ",
            "<|endoftext|>text after<|im_start|>user\nhi<|im_end|> <|padding|>",
            "12345678901234567890 3.14159 1,000,000",
            "   leading and trailing spaces   ",
            "");

    static final String CORPUS = String.join(" ", TEXTS).repeat(3) + " 2020 2020 2020 2021 2022 hello hello the the";

    private static JsonObject base(int vocab) {
        return JsonParser.parseString(new String(BpeTrainer.train(List.of(CORPUS), vocab), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    private static JsonObject byteLevel(boolean regex, boolean trimOffsets) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.addProperty("add_prefix_space", false);
        o.addProperty("trim_offsets", trimOffsets);
        o.addProperty("use_regex", regex);
        return o;
    }

    private static JsonObject added(int id, String content, boolean special) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("content", content);
        o.addProperty("single_word", false);
        o.addProperty("lstrip", false);
        o.addProperty("rstrip", false);
        o.addProperty("normalized", !special);
        o.addProperty("special", special);
        return o;
    }

    private static JsonObject nfc() {
        JsonObject n = new JsonObject();
        n.addProperty("type", "NFC");
        return n;
    }

    /** GPT-NeoX's layout (EleutherAI/gpt-neox-20b, Pythia): NFC, ByteLevel with regex, space runs as added tokens. */
    static JsonObject neox(boolean normalizer) {
        JsonObject t = base(420);
        int next = t.getAsJsonObject("model").getAsJsonObject("vocab").size();
        JsonArray a = new JsonArray();
        a.add(added(next, "<|endoftext|>", true));
        a.add(added(next + 1, "<|padding|>", true));
        for (int n = 2; n <= 6; n++) {
            a.add(added(next + n, " ".repeat(n), false));
        }
        t.add("added_tokens", a);
        if (normalizer) {
            t.add("normalizer", nfc());
        }
        t.add("pre_tokenizer", byteLevel(true, true));
        return t;
    }

    /** Qwen2's layout (Qwen/Qwen2.5-0.5B): NFC, Split(Qwen2 regex, Isolated) then ByteLevel without regex. */
    static JsonObject qwen2() {
        JsonObject t = base(420);
        int next = t.getAsJsonObject("model").getAsJsonObject("vocab").size();
        JsonArray a = new JsonArray();
        a.add(added(next, "<|endoftext|>", true));
        a.add(added(next + 1, "<|im_start|>", true));
        a.add(added(next + 2, "<|im_end|>", true));
        t.add("added_tokens", a);
        t.add("normalizer", nfc());
        JsonObject split = new JsonObject();
        split.addProperty("type", "Split");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", QWEN2_REGEX);
        split.add("pattern", pattern);
        split.addProperty("behavior", "Isolated");
        split.addProperty("invert", false);
        JsonArray seq = new JsonArray();
        seq.add(split);
        seq.add(byteLevel(false, false));
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Sequence");
        pre.add("pretokenizers", seq);
        t.add("pre_tokenizer", pre);
        return t;
    }

    private static Path write(Path dir, String name, JsonObject t) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(t));
        return p;
    }

    /** Every text: our ids = HF tokenizers' ids; decoding gives the NFC text back. */
    private static void sameAsHf(Path file, boolean normalizes) throws Exception {
        Tokenizer ours = Tokenizers.load(file);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(file.toAbsolutePath())
                .optAddSpecialTokens(false).build()) {
            for (String text : TEXTS) {
                long[] ref = text.isEmpty() ? new long[0] : hf.encode(text, false, false).getIds();
                int[] got = ours.encodeWithSpecials(text);
                assertArrayEquals(ints(ref), got, file.getFileName() + " (" + ours.name() + "): " + text);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (int id : got) {
                    bytes.write(ours.tokenBytes(id));
                }
                String back = bytes.toString(StandardCharsets.UTF_8);
                assertEquals(normalizes ? Normalizer.normalize(text, Normalizer.Form.NFC) : text, back, text);
            }
        }
    }

    private static int[] ints(long[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (int) a[i];
        }
        return r;
    }

    @Test
    void gptNeoxTokenizerJsonTokenizesAsHfTokenizers(@TempDir Path dir) throws Exception {
        Path p = write(dir, "neox.json", neox(true));
        sameAsHf(p, true);
        // the added space runs are whole tokens, split off before BPE
        Tokenizer t = Tokenizers.load(p);
        int four = t.encodeWithSpecials("    ")[0];
        assertEquals("    ", new String(t.tokenBytes(four), StandardCharsets.UTF_8));
        assertEquals(1, t.encodeWithSpecials("    ").length);
    }

    @Test
    void gptNeoxLayoutWithoutNormalizerTakesTheJavaBpeAndStillMatches(@TempDir Path dir) throws Exception {
        Path p = write(dir, "neox-plain.json", neox(false));
        org.junit.jupiter.api.Assertions.assertInstanceOf(ByteLevelBpeTokenizer.class, Tokenizers.load(p));
        sameAsHf(p, false);
    }

    @Test
    void qwen2_tokenizer_json_tokenizes_as_hf_tokenizers(@TempDir Path dir) throws Exception {
        Path p = write(dir, "qwen2.json", qwen2());
        sameAsHf(p, true);
        // Qwen2's regex puts every digit apart, though the corpus taught the merge "20" (GPT-2's regex would keep it)
        Tokenizer q = Tokenizers.load(p);
        assertEquals(4, q.encodeWithSpecials("2020").length);
        Tokenizer gpt2Style = Tokenizers.load(write(dir, "plain.json", base(420)));
        assertTrue(gpt2Style.encodeWithSpecials("2020").length < 4, "the corpus has the merge \"20\"");
    }
}
