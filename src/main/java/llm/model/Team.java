package llm.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads (the caller plus {@code size − 1} workers) that runs one parallel loop at a time, for
 * {@link CpuDecoder}: a decode step is a few dozen short products, each split into chunks, so the cost of starting
 * and joining a loop matters (a fork-join submit/join costs several µs). Workers wait for the next loop by spinning
 * briefly, then park; the caller takes chunks too, and chunks are handed out from a shared counter, so a worker
 * that the OS has descheduled (a busy machine) delays nothing: the others take its share. Which thread runs a chunk
 * never changes a result (each chunk writes its own outputs).
 */
final class Team implements AutoCloseable {
    /** The body of a parallel loop: runs chunk {@code c} of {@code [0, chunks)}. */
    interface Body {
        void run(int c);
    }

    private static final long SPIN_NANOS = 200_000; // a worker spins this long for the next loop, then parks

    /** One parallel loop; a worker that wakes late finds its counters exhausted and does nothing. */
    private static final class Loop {
        final Body body;
        final int chunks;
        final AtomicInteger next = new AtomicInteger(); // next chunk to hand out
        final AtomicInteger done = new AtomicInteger(); // chunks finished
        volatile Throwable failure; // the first chunk that threw

        Loop(Body body, int chunks) {
            this.body = body;
            this.chunks = chunks;
        }
    }

    private final Thread[] workers;
    private final AtomicIntegerArray parked; // per worker: 1 while parked (or about to park)
    private volatile Loop current;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile boolean callerParked;

    /** @param size threads taking part, the caller included (1 = everything on the caller) */
    Team(int size) {
        workers = new Thread[Math.max(0, size - 1)];
        parked = new AtomicIntegerArray(workers.length);
        for (int w = 0; w < workers.length; w++) {
            int id = w;
            workers[w] = new Thread("llm-decoder-" + (w + 1)) { // not a lambda: see CpuDecoder's constructor
                @Override
                public void run() {
                    work(id);
                }
            };
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    /** Threads taking part, the caller included. */
    int size() {
        return workers.length + 1;
    }

    /** Runs {@code body} for chunks 0..chunks−1 on the team (the caller included); returns when all are done. */
    void run(int chunks, Body body) {
        if (workers.length == 0 || chunks == 1) {
            for (int c = 0; c < chunks; c++) {
                body.run(c);
            }
            return;
        }
        caller = Thread.currentThread();
        Loop loop = new Loop(body, chunks);
        current = loop;
        for (int w = 0; w < workers.length; w++) {
            if (parked.get(w) != 0) {
                LockSupport.unpark(workers[w]);
            }
        }
        take(loop);
        long t0 = System.nanoTime();
        while (loop.done.get() < chunks) {
            if (System.nanoTime() - t0 < SPIN_NANOS) {
                Thread.onSpinWait();
            } else { // a worker holds a chunk but is not running: wait without burning the core it needs
                callerParked = true;
                if (loop.done.get() < chunks) {
                    LockSupport.parkNanos(this, 50_000);
                }
                callerParked = false;
            }
        }
        if (loop.failure instanceof RuntimeException e) {
            throw e;
        } else if (loop.failure instanceof Error e) {
            throw e;
        } else if (loop.failure != null) {
            throw new IllegalStateException(loop.failure);
        }
    }

    /** Takes chunks of the loop until none is left. */
    private void take(Loop loop) {
        int c;
        while ((c = loop.next.getAndIncrement()) < loop.chunks) {
            try {
                loop.body.run(c);
            } catch (Throwable e) { // counted as done, so that the caller returns and rethrows
                if (loop.failure == null) {
                    loop.failure = e;
                }
            }
            if (loop.done.incrementAndGet() == loop.chunks && callerParked) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void work(int id) {
        Loop last = null;
        while (true) {
            long t0 = System.nanoTime();
            Loop loop;
            while ((loop = current) == last && !closed) {
                if (System.nanoTime() - t0 < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(id, 1);
                    if (current == last && !closed) {
                        LockSupport.park(this);
                    }
                    parked.set(id, 0);
                }
            }
            if (closed) {
                return;
            }
            last = loop;
            take(loop);
        }
    }

    @Override
    public void close() {
        closed = true;
        current = null;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
