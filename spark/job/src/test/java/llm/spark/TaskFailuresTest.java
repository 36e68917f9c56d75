package llm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import llm.UserException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** Spark's message of an aborted job, said in one line. */
class TaskFailuresTest {
    private static final String SPARK = "Job aborted due to stage failure: Task 2 in stage 0.0 failed 4 times, most "
            + "recent failure: Lost task 2.3 in stage 0.0 (TID 9) (10.0.0.7 executor 3): java.lang.OutOfMemoryError: "
            + "Java heap space\n\tat llm.run.ModelSession.open(ModelSession.java:40)\n\tat ...\n\nDriver stacktrace:";

    @Test
    void theTasksUserExceptionKeepsItsMessageAndCode() {
        UserException u = TaskFailures.explain(new SparkException(SPARK, UserException.usage("--windows: too many")));
        assertEquals(2, u.exitCode());
        assertEquals("--windows: too many (on an executor: task 2 failed 4 times)", u.getMessage());
    }

    @Test
    void anotherCauseIsItsTypeAndFirstLine() {
        UserException u = TaskFailures.explain(new SparkException(SPARK,
                new IllegalStateException("wrapped", new java.io.IOException("disk full\nmore"))));
        assertEquals(1, u.exitCode());
        assertEquals("task 2 failed 4 times, the job stopped: java.io.IOException: disk full", u.getMessage());
    }

    @Test
    void withoutACauseSparksFailureLineIsKept() {
        UserException u = TaskFailures.explain(new SparkException(SPARK, null));
        assertEquals("task 2 failed 4 times, the job stopped: java.lang.OutOfMemoryError: Java heap space",
                u.getMessage());
    }
}
