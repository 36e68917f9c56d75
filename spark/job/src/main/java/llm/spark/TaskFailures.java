package llm.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import llm.UserException;
import org.apache.spark.SparkException;

/**
 * A job that Spark gave up on, said in one line: Spark's own message ("Job aborted due to stage failure: Task 1 in
 * stage 0.0 failed 4 times, most recent failure: Lost task … (TID 7) (host executor 2): java.lang…" and the executor's
 * stack trace) becomes the cause the task gave — llm's own message when it was a {@link UserException} (a model
 * missing on the executors: {@code llm: models/x: no such directory}), else the exception's type and first line —
 * with how many attempts were made. The whole of Spark's message stays in the cause (shown with {@code -v}).
 */
final class TaskFailures {
    private static final Pattern ATTEMPTS = Pattern.compile("Task (\\d+) in stage \\S+ failed (\\d+) times?");

    private TaskFailures() {}

    /** The one-line error for a failed job (exit 1, or the task's UserException's own code). */
    static UserException explain(SparkException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        Matcher m = ATTEMPTS.matcher(msg);
        String where = m.find() ? "task " + m.group(1) + " failed " + m.group(2) + (m.group(2).equals("1") ? " time"
                : " times") : "a task failed";
        for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UserException u) {
                return new UserException(u.exitCode(), u.getMessage() + " (on an executor: " + where + ")", e);
            }
        }
        Throwable root = e;
        for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            root = c;
        }
        String why = root == e ? firstLine(afterFailure(msg)) : root.getClass().getName() + ": "
                + firstLine(root.getMessage());
        return UserException.runtime(where + ", the job stopped: " + why, e);
    }

    /** Spark's message from its "most recent failure: Lost task … (host executor N): " on, else all of it. */
    private static String afterFailure(String msg) {
        int k = msg.indexOf("most recent failure: ");
        if (k < 0) {
            return msg;
        }
        String rest = msg.substring(k + "most recent failure: ".length());
        int colon = rest.indexOf("): ");
        return colon >= 0 ? rest.substring(colon + 3) : rest;
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "(no message)";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
