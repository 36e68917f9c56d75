package llm.eval.chat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import llm.io.StrictUtf8Reader;

/**
 * The lecture's second trick: a base model becomes an assistant when the prompt is a transcript of a conversation with
 * one, and the real question is the last human turn. A transcript is a preamble (who is talking, what the assistant is
 * like) and a few example turns:
 * <pre>
 * A conversation between a curious human and a helpful, knowledgeable AI assistant. ...
 *
 * Human: Why is the sky blue?
 * Assistant: Sunlight holds every colour; the air scatters ...
 * </pre>
 *
 * <p>File form ({@code --transcript FILE}): plain UTF-8 text. A line that starts with {@code Human:} or
 * {@code Assistant:} (the labels may be changed; the colon may be the full-width {@code ：}) starts a turn; following lines that start with neither belong to
 * that turn; the text before the first turn is the preamble, kept as written. In the prompt each turn is written as
 * {@code Label: text} on its own line(s), with the colon of the transcript's first turn ({@link #colon}; ':' in
 * the built-in one), so blank lines between turns are dropped.
 */
public record Transcript(String preamble, List<Turn> turns, String humanLabel, String assistantLabel, char colon) {
    public static final String HUMAN = "Human";
    public static final String ASSISTANT = "Assistant";
    /** The separators after a label: ASCII, and the full-width colon of Chinese and Japanese text ({@code 用户：}). */
    public static final String COLONS = ":\uFF1A";

    /** The built-in transcript: a helpful, knowledgeable assistant in the style of the lecture. */
    public static final String DEFAULT_TEXT = """
            The following is a conversation between a curious human and an AI assistant. The assistant is helpful, \
            knowledgeable, honest and friendly. It answers clearly and briefly, explains its reasoning when that \
            helps, and says so when it does not know something.

            Human: Hi! Who are you?
            Assistant: Hello! I am an AI assistant. I can answer questions, explain ideas, and help you think \
            through a problem. What would you like to talk about?
            Human: Why is the sky blue?
            Assistant: Sunlight contains every colour. As it passes through the air, the short blue wavelengths are \
            scattered by the molecules far more than the long red ones, so blue light reaches your eyes from all \
            over the sky.
            Human: What is the capital of Australia?
            Assistant: The capital of Australia is Canberra. Many people guess Sydney, which is the largest city.
            Human: Can you give me a word that rhymes with "cat"?
            Assistant: Sure: "hat". Others are "bat", "mat" and "sat".
            """;

    public Transcript {
        turns = List.copyOf(turns);
        checkLabel(humanLabel, "--human-label");
        checkLabel(assistantLabel, "--assistant-label");
        if (humanLabel.equals(assistantLabel)) {
            throw UserException.usage("--human-label and --assistant-label must differ");
        }
    }

    private static void checkLabel(String label, String flag) {
        if (label == null || label.isBlank() || label.contains("\n") || label.contains(":")
                || label.contains("\uFF1A")) {
            throw UserException.usage(flag + " must be a non-empty name without ':', '\uFF1A' or newlines, not '"
                    + label + "'");
        }
    }

    public static Transcript defaults() {
        return parse(DEFAULT_TEXT, HUMAN, ASSISTANT, "the built-in transcript");
    }

    /** Read a transcript file. */
    public static Transcript read(Path file, String human, String assistant) {
        String text;
        try {
            text = StrictUtf8Reader.readAll(Files.newInputStream(file), file.toString());
        } catch (NoSuchFileException e) {
            throw UserException.runtime(file + ": no such file");
        } catch (IOException e) {
            throw UserException.runtime(file + ": cannot read: " + e.getMessage());
        }
        return parse(text, human, assistant, file.toString());
    }

    /** Parse transcript text (see the class comment); {@code name} names it in errors. */
    public static Transcript parse(String text, String human, String assistant, String name) {
        checkLabel(human, "--human-label");
        checkLabel(assistant, "--assistant-label");
        StringBuilder preamble = new StringBuilder();
        List<Turn> turns = new ArrayList<>();
        Boolean role = null;
        char colon = 0;
        StringBuilder cur = new StringBuilder();
        for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
            boolean h = startsTurn(line, human);
            boolean a = !h && startsTurn(line, assistant);
            if (h || a) {
                if (role != null) {
                    turns.add(new Turn(role, cur.toString().strip()));
                }
                role = h;
                int at = (h ? human : assistant).length();
                colon = colon == 0 ? line.charAt(at) : colon; // the first turn's colon is the transcript's
                cur.setLength(0);
                cur.append(line.substring(at + 1));
            } else if (role == null) {
                preamble.append(line).append('\n');
            } else {
                cur.append('\n').append(line);
            }
        }
        if (role != null) {
            turns.add(new Turn(role, cur.toString().strip()));
        }
        // a trailing empty human turn ("Human:" as the last line) is where the user's message goes: drop it
        if (!turns.isEmpty() && turns.get(turns.size() - 1).human() && turns.get(turns.size() - 1).text().isEmpty()) {
            turns.remove(turns.size() - 1);
        }
        String pre = preamble.toString();
        if (role == null) {
            pre = pre.substring(0, pre.length() - 1); // the split added one newline too many
        }
        if (pre.isBlank() && turns.isEmpty()) {
            throw UserException.runtime(name + ": empty transcript");
        }
        if (pre.isBlank()) {
            pre = "";
        } else if (!pre.endsWith("\n")) {
            pre = pre + "\n";
        }
        return new Transcript(pre, turns, human, assistant, colon == 0 ? ':' : colon);
    }

    /** Does {@code line} start with {@code label} and one of the {@link #COLONS}? */
    private static boolean startsTurn(String line, String label) {
        return line.length() > label.length() && line.startsWith(label)
                && COLONS.indexOf(line.charAt(label.length())) >= 0;
    }

    /** {@code Label: text\n} (with the transcript's colon; a full-width one takes no space after it). */
    public String render(Turn t) {
        return label(t.human()) + space() + t.text() + "\n";
    }

    /** After an ASCII colon a space; Chinese text writes none after its full-width colon. */
    private String space() {
        return colon == ':' ? " " : "";
    }

    /** {@code Label:} of a speaker, with the transcript's colon. */
    private String label(boolean human) {
        return (human ? humanLabel : assistantLabel) + colon;
    }

    /** The prompt: preamble, {@code turns}, the human's {@code message}, and the assistant's label to continue. */
    public String prompt(List<Turn> turns, String message) {
        StringBuilder sb = new StringBuilder(preamble);
        for (Turn t : turns) {
            sb.append(render(t));
        }
        sb.append(label(true)).append(space()).append(message.strip()).append('\n');
        sb.append(label(false));
        return sb.toString();
    }

    /**
     * Where the assistant's answer ends: at a new line that starts with a speaker's label. A base model goes on to
     * write the human's next question itself ({@code "\nHuman: And why..."}); we cut it there, and at a second
     * assistant turn, which would be the same thing. The colon is not required, so {@code "\nHuman (curious):"}
     * is cut as well.
     */
    public List<String> stops() {
        return List.of("\n" + humanLabel, "\n" + assistantLabel);
    }
}
