package llm.eval.memorize;

/**
 * One document to audit. {@code skipReason} is non-null when the input held a record that is not a usable document
 * (a JSON line without the text field); such documents are reported as skipped, not dropped silently.
 */
public record Document(String id, String text, String skipReason) implements java.io.Serializable {
    public static Document of(String id, String text) {
        return new Document(id, text, null);
    }

    public static Document skipped(String id, String reason) {
        return new Document(id, "", reason);
    }
}
