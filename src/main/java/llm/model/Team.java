package llm.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

    /**
     * The loop in progress, without an allocation per loop: {@code ticket} holds the loop's generation (high 32 bits)
     * and the next chunk to hand out (low 32). A chunk is taken by a compare-and-set that also checks the generation,
     * so a worker that wakes late, or reads the fields of a newer loop, takes nothing of a loop that is not its own.
     * Before writing a new loop's body and size, the caller closes the ticket (new generation, no chunk left); then
     * opens it.
     */
    private final AtomicLong ticket = new AtomicLong(CLOSED);
    private static final long CLOSED = 0x7fffffffL;
    private Body body; // written before the ticket opens (a volatile write), read after reading it
    private int chunks;
    private final AtomicInteger done = new AtomicInteger(); // chunks of the current loop finished
    private volatile Throwable failure; // the first chunk of the current loop that threw
    private int generation;

    private final Thread[] workers;
    private final AtomicIntegerArray parked; // per worker: 1 while parked (or about to park)
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
        long gen = (long) (++generation & 0x7fffffff) << 32;
        ticket.set(gen | CLOSED); // a late worker of the last loop can take nothing from here on
        this.body = body;
        this.chunks = chunks;
        failure = null;
        done.set(0);
        ticket.set(gen); // open: chunk 0 next
        for (int w = 0; w < workers.length; w++) {
            if (parked.get(w) != 0) {
                LockSupport.unpark(workers[w]);
            }
        }
        take();
        long t0 = System.nanoTime();
        while (done.get() < chunks) {
            if (System.nanoTime() - t0 < SPIN_NANOS) {
                Thread.onSpinWait();
            } else { // a worker holds a chunk but is not running: wait without burning the core it needs
                callerParked = true;
                if (done.get() < chunks) {
                    LockSupport.parkNanos(this, 50_000);
                }
                callerParked = false;
            }
        }
        ticket.set(gen | CLOSED);
        this.body = null;
        Throwable f = failure;
        if (f instanceof RuntimeException e) {
            throw e;
        } else if (f instanceof Error e) {
            throw e;
        } else if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    /** Takes chunks of the open loop until none is left (or the loop is another one than it started with). */
    private void take() {
        while (true) {
            long t = ticket.get();
            Body b = body;
            int n = chunks;
            int c = (int) t; // (CLOSED is above any chunk count)
            if (c >= n || b == null || !ticket.compareAndSet(t, t + 1)) {
                if (c >= n || b == null || (ticket.get() >>> 32) != (t >>> 32)) {
                    return; // nothing left, or a newer loop (the caller of that one takes its chunks)
                }
                continue; // another thread took chunk c: try the next
            }
            try {
                b.run(c);
            } catch (Throwable e) { // counted as done, so that the caller returns and rethrows
                if (failure == null) {
                    failure = e;
                }
            }
            if (done.incrementAndGet() == n && callerParked) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void work(int id) {
        long last = -1; // generation of the last loop this worker took part in
        while (true) {
            long t0 = System.nanoTime();
            long gen;
            while (((gen = ticket.get() >>> 32) == last || (int) ticket.get() >= CLOSED) && !closed) {
                if (System.nanoTime() - t0 < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(id, 1);
                    long g = ticket.get();
                    if (((g >>> 32) == last || (int) g >= CLOSED) && !closed) {
                        LockSupport.park(this);
                    }
                    parked.set(id, 0);
                }
            }
            if (closed) {
                return;
            }
            last = gen;
            take();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
