package llm.eval.chat;

/** One turn of a conversation: the human's or the assistant's text. */
public record Turn(boolean human, String text) {
    public static Turn human(String text) {
        return new Turn(true, text);
    }

    public static Turn assistant(String text) {
        return new Turn(false, text);
    }
}
