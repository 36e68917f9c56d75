package llm.data;

/**
 * Receives a corpus one document at a time, in pieces: {@code start}, any number of {@code text} chunks (each ends
 * at a line end or the document's end; a long document arrives in several), then {@code end}. Readers push into a
 * sink so that memory stays bounded by the chunk size, not the document or file size.
 */
public interface DocumentSink {
    /** A document begins; {@code name} says where it comes from ({@code a.jsonl:17}, {@code x.tar!b.txt}). */
    void start(String name);

    /** The next piece of the current document's text. */
    void text(String chunk);

    /** The current document is complete. */
    void end();
}
