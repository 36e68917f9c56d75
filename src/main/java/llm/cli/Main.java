package llm.cli;

/** Entry point: {@code java -jar llm.jar <command> ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Llm.run(args));
    }
}
