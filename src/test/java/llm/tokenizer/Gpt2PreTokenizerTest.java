package llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class Gpt2PreTokenizerTest {
    /** GPT-2's pattern with Unicode classes, through java.util.regex, as the reference. */
    static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    static List<String> regex(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = GPT2.matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    static List<String> scanner(String s) {
        List<String> out = new ArrayList<>();
        Gpt2PreTokenizer.split(s, 0, s.length(), (a, b) -> out.add(s.substring(a, b)));
        return out;
    }

    static String random(Random r, int n) {
        String alphabet = "ab  \n\n\t'srevlmd1.,!\u00a0\u3000\u00e9\u2028";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void scannerMatchesTheRegex() {
        Random r = new Random(5);
        for (int k = 0; k < 3000; k++) {
            String s = random(r, r.nextInt(25));
            assertEquals(regex(s), scanner(s), () -> Gpt2TokenizerTest.escape(s));
        }
        String t = "I've 'll it's \u00a0x \u2160\u2161 \u00bd 12,345.6 \uD83D\uDE00\uD83D\uDE00 \n\n  \tend  ";
        assertEquals(regex(t), scanner(t));
    }

    @Test
    void cutsSplitPreTokenizationExactly() {
        Random r = new Random(6);
        int cuts = 0;
        for (int k = 0; k < 3000; k++) {
            String s = random(r, 2 + r.nextInt(25));
            List<String> whole = scanner(s);
            for (int p = 0; p <= s.length(); p++) {
                if (Gpt2PreTokenizer.canCutAt(s, p)) {
                    cuts++;
                    List<String> parts = new ArrayList<>(scanner(s.substring(0, p)));
                    parts.addAll(scanner(s.substring(p)));
                    int at = p;
                    assertEquals(whole, parts, () -> Gpt2TokenizerTest.escape(s) + " cut at " + at);
                }
            }
        }
        assertTrue(cuts > 1000, "cuts tried: " + cuts);
        assertTrue(Gpt2PreTokenizer.canCutAt(" = Title = \n Robert", 12)); // wikitext's "\n " line starts
    }
}
