package llm.spark;

/** Test access to {@link Sessions}' load count. */
public final class SessionsProbe {
    private SessionsProbe() {}

    public static int loads() {
        return Sessions.loads();
    }
}
