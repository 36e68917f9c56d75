package llm.eval.memorize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import llm.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

/** Chinese text through memorize-check: sentence prefixes, counts in characters, no half characters shown. */
class ChineseTextTest {
    static final String ARTICLE = "土豚是一种哺乳动物。这种动物在夜间活动，吃白蚁。";

    /** One token per UTF-8 byte (id = byte + 1; 0 is BOS): every CJK character takes three tokens. */
    static final class ByteTokens implements Tokenizer {
        @Override
        public String name() {
            return "bytes";
        }

        @Override
        public int vocabSize() {
            return 257;
        }

        @Override
        public int[] encode(String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                ids[i] = (b[i] & 0xff) + 1;
            }
            return ids;
        }

        @Override
        public int[] encodeWithSpecials(String text) {
            return encode(text);
        }

        @Override
        public byte[] tokenBytes(int id) {
            return id == 0 ? new byte[0] : new byte[] {(byte) (id - 1)};
        }

        @Override
        public String piece(int id) {
            return Integer.toString(id);
        }

        @Override
        public OptionalInt bos() {
            return OptionalInt.of(0);
        }

        @Override
        public OptionalInt eos() {
            return OptionalInt.empty();
        }
    }

    /** Recites {@link #ARTICLE} after any prompt that starts it, for {@code good} tokens, then says byte 'x'. */
    static Continuer reciting(int good) {
        int[] article = new ByteTokens().encode(ARTICLE);
        return new Continuer() {
            @Override
            public int[][] continueBatch(int[][] prompts, int steps, Picker picker) {
                int[][] out = new int[prompts.length][steps];
                for (int b = 0; b < prompts.length; b++) {
                    for (int t = 0; t < steps; t++) {
                        int at = prompts[b].length + t;
                        out[b][t] = t < good && at < article.length ? article[at] : 'x' + 1;
                    }
                }
                return out;
            }

            @Override
            public int maxLength() {
                return 1024;
            }
        };
    }

    static Result run(Continuer model, int suffixTokens) {
        List<Result> out = new ArrayList<>();
        Auditor a = new Auditor(new ByteTokens(), model, new Auditor.Options(0, true, suffixTokens, 1, 1, 0, -1),
                keys -> (row, logits) -> 0, out::add);
        a.accept(Document.of("土豚", ARTICLE));
        a.flush();
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void theFirstChineseSentenceIsThePrefix() {
        Result r = run(reciting(100), 9);
        assertEquals("土豚是一种哺乳动物。", r.prefix());
        assertEquals(30, r.prefixTokens(), "10 characters of 3 bytes");
        assertEquals("这种动", r.target());
        assertEquals(3, r.alignment().matchChars(), "characters, not bytes or UTF-16 units");
        assertTrue(r.match().exact());
    }

    @Test
    void aTargetCutInsideACharacterShowsNoReplacementCharacter() {
        Result r = run(reciting(100), 10); // 3 characters and the first byte of 物
        assertEquals("这种动", r.target());
        assertFalse(r.target().contains("\uFFFD"));
        assertEquals("这种动", r.continuation());
        assertEquals(3, r.alignment().matchChars());

        Result strayed = run(reciting(7), 10); // 这种 and one byte of 动, then 'x'
        assertEquals("这种动", strayed.target());
        assertEquals(2, strayed.alignment().matchChars());
        assertEquals(7, strayed.match().matchTokens());
        assertFalse(strayed.continuation().endsWith("\uFFFD"), strayed.continuation());
    }

    @Test
    void textKeepsWholeCharactersOnly() {
        byte[] zhe = "这".getBytes(StandardCharsets.UTF_8);
        assertEquals("", Auditor.text(new byte[0], Arrays.copyOf(zhe, 2)));
        assertEquals("这", Auditor.text(Arrays.copyOf(zhe, 1), Arrays.copyOfRange(zhe, 1, 3)));
        assertEquals("a这", Auditor.text("a".getBytes(StandardCharsets.UTF_8), zhe));
    }
}
