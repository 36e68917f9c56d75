package llm.io;

/** Standard output was closed by its reader ({@code llm ... | head -1}): not an error, the command stops quietly. */
public final class ClosedPipeException extends RuntimeException {
    public ClosedPipeException(Throwable cause) {
        super("stdout closed", cause, false, false);
    }
}
