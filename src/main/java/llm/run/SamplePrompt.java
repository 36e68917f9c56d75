package llm.run;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import llm.data.Tokens;
import llm.tokenizer.Tokenizer;

/**
 * The prompt of {@code llm train}'s greedy sample when {@code --sample-prompt} is not given: the first words of the
 * training text, so that the sample shows whether the model continues text like it (tiny Shakespeare gives
 * "First Citizen:", TinyStories "Once upon a time,").
 */
final class SamplePrompt {
    /** At most this many words, taken from the first line that has any. */
    static final int WORDS = 4;
    /** Tokens decoded from the start of the training text; a BPE token is at least one byte. */
    private static final int HEAD_TOKENS = 64;
    private static final Pattern WORD = Pattern.compile("\\S+");

    private SamplePrompt() {}

    /** The first words of {@code train}'s first tokens (special tokens skipped); null when they hold no word. */
    static String of(Tokens train, Tokenizer tokenizer) {
        int n = (int) Math.min(HEAD_TOKENS, train.size());
        int[] ids = new int[n];
        train.read(0, ids, 0, n);
        int[] text = Arrays.stream(ids).filter(id -> !tokenizer.isSpecial(id)).toArray();
        return fromText(tokenizer.decode(text), n < train.size());
    }

    /**
     * Up to {@link #WORDS} words of the first non-blank line of {@code text}, as written (inner spaces kept); null
     * when there is none. When {@code cut} (more text follows) and that line does not end within {@code text}, its
     * last word may be cut, so it is dropped (unless it is the only one).
     */
    static String fromText(String text, boolean cut) {
        String rest = text.stripLeading();
        int lineEnd = rest.indexOf('\n');
        String line = (lineEnd >= 0 ? rest.substring(0, lineEnd) : rest).strip();
        Matcher words = WORD.matcher(line);
        int count = 0;
        int end = 0;
        int previousEnd = 0;
        while (count < WORDS && words.find()) {
            previousEnd = end;
            end = words.end();
            count++;
        }
        if (count == 0) {
            return null;
        }
        boolean lastMayBeCut = cut && lineEnd < 0 && end == line.length() && count > 1;
        return line.substring(0, lastMayBeCut ? previousEnd : end);
    }
}
