package llm.model;

/**
 * Whether a decode step runs its large loops on the thread {@link Team} or on the calling thread alone, decided
 * from timings of whole steps: where the machine's other cores are busy, or where one core already uses up the
 * memory bandwidth (a memory-bound model), the team only adds waiting. After a few steps of JIT warm-up (run alone),
 * every {@link #PERIOD} steps it times {@link #TRIAL} steps each way and keeps the faster way until the next trial
 * (the best step of each trial counts, so a single hiccup does not decide). The choice never changes a result: each
 * output element is computed by the same operations whichever thread runs it.
 */
final class TeamChoice {
    static final int SKIP = 8, TRIAL = 3, PERIOD = 64;

    private final boolean enabled;
    private boolean always; // tests: every step on the team
    private int steps;
    private boolean useTeam = true;
    private boolean now;
    private long serialBest, teamBest, t0;

    /** @param enabled false: never use the team (it has no other thread) */
    TeamChoice(boolean enabled) {
        this.enabled = enabled;
    }

    /** For tests: every step uses the team (when it has other threads). */
    void always() {
        always = true;
    }

    /** Called at the start of a step: whether this step uses the team. */
    boolean begin() {
        if (!enabled || always) {
            return now = enabled;
        }
        int k = phase();
        if (k == 0) {
            serialBest = teamBest = Long.MAX_VALUE;
        }
        // the first steps run alone: they are slow JIT-warm-up steps, and the compiler threads need the other cores
        now = k >= TRIAL && (k < 2 * TRIAL || useTeam);
        t0 = System.nanoTime();
        return now;
    }

    /** Whether the step in progress uses the team. */
    boolean now() {
        return now;
    }

    /** Called at the end of a step. */
    void end() {
        if (!enabled) {
            return;
        }
        long dt = System.nanoTime() - t0;
        int k = phase();
        if (k >= 0 && k < TRIAL) {
            serialBest = Math.min(serialBest, dt);
        } else if (k >= TRIAL && k < 2 * TRIAL) {
            teamBest = Math.min(teamBest, dt);
            if (k == 2 * TRIAL - 1) {
                useTeam = teamBest < serialBest;
            }
        }
        steps++;
    }

    /** Position of the current step in the trial period; −1 during the warm-up steps. */
    private int phase() {
        return steps < SKIP ? -1 : (steps - SKIP) % PERIOD;
    }
}
