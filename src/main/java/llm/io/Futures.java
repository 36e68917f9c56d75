package llm.io;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Waiting for the result of a task run on another thread, its failure rethrown as the caller's own. */
public final class Futures {
    private Futures() {}

    /**
     * The result of {@code f}, once computed. A RuntimeException or Error of the task is rethrown as it is, any other
     * failure of the task as {@code failed(cause)}; an interrupt while waiting sets the thread's flag again and
     * comes out as {@code interrupted(e)}.
     */
    public static <T, E extends Exception> T get(Future<T> f, Function<InterruptedException, E> interrupted,
            Function<Throwable, RuntimeException> failed) throws E {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted.apply(e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error x) {
                throw x;
            }
            throw failed.apply(c);
        }
    }
}
