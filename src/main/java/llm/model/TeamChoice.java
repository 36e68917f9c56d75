package llm.model;

/**
 * Whether a decode step runs its large loops on the thread {@link Team} or on the calling thread alone, decided
 * from timings of whole steps: where the machine's other cores are busy, or where one core already uses up the
 * memory bandwidth (a memory-bound model), the team only adds waiting. After a few steps of JIT warm-up (run alone),
 * it times {@link #TRIAL} steps each way and keeps the faster way until the next trial (the best step of each trial
 * counts, so a single hiccup does not decide). Trials come every {@link #PERIOD} steps while the team wins; each lost
 * trial doubles the wait for the next one (up to {@link #MAX_PERIOD} steps): on a machine whose other cores stay
 * busy, the team's trial steps (each slower than a step alone) cost ~5% of the run at a trial per 64 steps
 * (bench/RESULTS.md, issue 20) — except in the first {@link #EARLY} steps, where a lost trial comes again after
 * {@link #EARLY_PERIOD} steps: while the JIT compiles the decoder on the cores the team would use, the team loses
 * trials it wins a few steps later (a 15M model's first trial lost at 4.3 against 3.7 ms a step, then the next
 * trial, 128 steps on, won at 3.0 against 4.2: half of a 256-token run went alone). The choice never changes a
 * result: each output element is computed by the same operations whichever thread runs it.
 */
final class TeamChoice {
    static final int SKIP = 8, TRIAL = 3, PERIOD = 64, MAX_PERIOD = 1024, EARLY = 256, EARLY_PERIOD = 16;

    private final boolean enabled;
    private boolean always; // tests: every step on the team
    private int period = PERIOD; // steps from one trial's start to the next one's
    private int k = -SKIP; // position of the current step in its period (negative: warm-up steps)
    private boolean useTeam = true;
    private boolean now;
    private long serialBest, teamBest, t0;
    private long steps; // steps ended

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
        if (enabled && !always) {
            ended(System.nanoTime() - t0);
        }
    }

    /** The step begun last took {@code dt} ns. */
    void ended(long dt) {
        if (k >= 0 && k < TRIAL) {
            serialBest = Math.min(serialBest, dt);
        } else if (k >= TRIAL && k < 2 * TRIAL) {
            teamBest = Math.min(teamBest, dt);
            if (k == 2 * TRIAL - 1) {
                useTeam = teamBest < serialBest;
                period = useTeam ? PERIOD : steps < EARLY ? EARLY_PERIOD
                        : Math.min(2 * Math.max(period, PERIOD / 2), MAX_PERIOD);
            }
        }
        if (++k == period) {
            k = 0;
        }
        steps++;
    }

    /** Steps until the next trial starts (for tests). */
    int untilTrial() {
        return k < 0 ? -k : period - k;
    }
}
