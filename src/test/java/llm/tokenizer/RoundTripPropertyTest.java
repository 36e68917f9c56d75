package llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** decode(encode(x)) == x for arbitrary valid UTF-8 text, on every kind of tokenizer. */
class RoundTripPropertyTest {
    static Path shared = Path.of(System.getProperty("llm.shared", "../shared"));

    /** Random text mixing ASCII, whitespace and controls, Korean, CJK, emoji with ZWJ and modifiers, combining marks. */
    static List<String> samples(long seed, int n) {
        Random r = new Random(seed);
        int[][] ranges = {
            {0x20, 0x7E}, {0x00, 0x1F}, {0x7F, 0x7F}, {0x80, 0x2FF}, {0x300, 0x36F}, {0xAC00, 0xD7A3},
            {0x4E00, 0x9FFF}, {0x1F300, 0x1FAFF}, {0x1F3FB, 0x1F3FF}, {0x200D, 0x200D}, {0xFE0F, 0xFE0F},
            {0x2000, 0x206F}, {0x0600, 0x06FF}, {0x10000, 0x10FFFF}, {0xE000, 0xF8FF}};
        String[] fixed = {"\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66", "\uD55C\uAD6D\uC5B4",
            "\u0000\u0001\t\r\n\u000B\u000C\u001B[0m", " \u00A0\u3000 \u2028\u2029\u0085x", "<|endoftext|><s></s>",
            "caf\u0065\u0301 na\u00efve \uD83D\uDC4D\uD83C\uDFFD"};
        List<String> out = new ArrayList<>(List.of(fixed));
        for (int k = 0; k < n; k++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(30);
            for (int i = 0; i < len; i++) {
                int[] rg = ranges[r.nextInt(ranges.length)];
                int cp = rg[0] + r.nextInt(rg[1] - rg[0] + 1);
                if (cp >= 0xD800 && cp <= 0xDFFF) {
                    continue;
                }
                sb.appendCodePoint(cp);
            }
            out.add(sb.toString());
        }
        return out;
    }

    static void check(Tokenizer tok, long seed) {
        for (String s : samples(seed, 400)) {
            assertEquals(s, tok.decode(tok.encode(s)), () -> tok.name() + ": " + Gpt2TokenizerTest.escape(s));
        }
    }

    @Test
    void gpt2() {
        Assumptions.assumeTrue(Files.isDirectory(shared), "../shared not present");
        check(Tokenizers.load(shared.resolve("tokenizers/gpt2/tokenizer.json")), 1);
    }

    @Test
    void llama2c() {
        Assumptions.assumeTrue(Files.isDirectory(shared), "../shared not present");
        check(Tokenizers.load(shared.resolve("models/stories260K/tok512.bin")), 2);
    }

    @Test
    void trainedBpe() {
        List<String> texts = new ArrayList<>(samples(3, 200));
        texts.add("the quick brown fox jumps over the lazy dog. ".repeat(20));
        BpeTrainer t = new BpeTrainer(600);
        texts.forEach(t::add);
        check(t.tokenizer(), 4);
    }
}
