package llm.cli;

/** Entry point: {@code java -jar llm.jar <command> ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code;
        try {
            code = Llm.run(args);
        } catch (OutOfMemoryError e) { // one line, not a stack trace; a run's checkpoint (if any) is kept
            System.err.println("llm: out of memory (" + e.getMessage() + "): the job does not fit this Java heap;"
                    + " give it more with LLM_JAVA_OPTS=-Xmx<size> (train: or a smaller --batch, --ctx or model)");
            code = ExitCodes.RUNTIME;
        }
        System.exit(code);
    }
}
