package llm.eval.memorize;

/**
 * One document to audit. {@code skipReason} is non-null when the input held a record that is not a usable document
 * (a JSON line without the text field); such documents are reported as skipped, not dropped silently.
 * {@code inputBytes}: the bytes of the input it was read from, when the document is a whole input (-1 otherwise),
 * which differ from its text's UTF-8 when ill-formed bytes were replaced with U+FFFD (3 bytes each).
 */
public record Document(String id, String text, String skipReason, long inputBytes) implements java.io.Serializable {
    public static Document of(String id, String text) {
        return new Document(id, text, null, -1);
    }

    /** A whole input, {@code inputBytes} long as read (decompressed). */
    public static Document whole(String id, String text, long inputBytes) {
        return new Document(id, text, null, inputBytes);
    }

    public static Document skipped(String id, String reason) {
        return new Document(id, "", reason, -1);
    }

    /** The bytes that bits per byte divide by: the input's own when known, else the text's UTF-8. */
    public long bytes() {
        return inputBytes >= 0 ? inputBytes : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
