package llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TeamChoiceTest {
    /** Runs {@code n} steps, timed as the given way decides; returns how many of them used the team. */
    private static int run(TeamChoice c, int n, long serialNanos, long teamNanos) {
        int team = 0;
        for (int i = 0; i < n; i++) {
            boolean t = c.begin();
            team += t ? 1 : 0;
            c.ended(t ? teamNanos : serialNanos);
        }
        return team;
    }

    @Test
    void warmUpStepsThenATrialEachWay() {
        TeamChoice c = new TeamChoice(true);
        for (int i = 0; i < TeamChoice.SKIP + TeamChoice.TRIAL; i++) {
            assertFalse(c.begin(), "step " + i + " runs alone");
            c.ended(1_000);
        }
        for (int i = 0; i < TeamChoice.TRIAL; i++) {
            assertTrue(c.begin(), "trial step " + i + " on the team");
            c.ended(500);
        }
        assertEquals(TeamChoice.PERIOD - 2 * TeamChoice.TRIAL, run(c, TeamChoice.PERIOD - 2 * TeamChoice.TRIAL, 1_000,
                500), "the team won: kept until the next trial");
        assertEquals(TeamChoice.PERIOD, c.untilTrial());
    }

    @Test
    void lostTrialsComeLessOftenUntilTheTeamWinsAgain() {
        TeamChoice c = new TeamChoice(true);
        run(c, TeamChoice.SKIP + 2 * TeamChoice.TRIAL, 1_000, 3_000); // the team loses the first trial
        int steps = TeamChoice.SKIP + 2 * TeamChoice.TRIAL;
        // in the first EARLY steps (the JIT's warm-up) a lost trial comes again soon
        while (steps < TeamChoice.EARLY) {
            assertEquals(TeamChoice.EARLY_PERIOD - 2 * TeamChoice.TRIAL, c.untilTrial(), "early, step " + steps);
            assertEquals(TeamChoice.TRIAL, run(c, TeamChoice.EARLY_PERIOD, 1_000, 3_000));
            steps += TeamChoice.EARLY_PERIOD;
        }
        int period = TeamChoice.PERIOD / 4;
        for (int lost = 1; lost <= 7; lost++) {
            period = Math.min(2 * Math.max(period, TeamChoice.PERIOD / 2), TeamChoice.MAX_PERIOD);
            assertEquals(period - 2 * TeamChoice.TRIAL, c.untilTrial(), "after " + lost + " lost trials");
            // alone until the next trial, which the team loses again: 3 team steps per period
            assertEquals(TeamChoice.TRIAL, run(c, period, 1_000, 3_000));
        }
        assertEquals(TeamChoice.MAX_PERIOD - 2 * TeamChoice.TRIAL, c.untilTrial(), "the wait stops growing");
        run(c, c.untilTrial() + 2 * TeamChoice.TRIAL, 1_000, 400); // the load went away: the team wins
        assertEquals(TeamChoice.PERIOD - 2 * TeamChoice.TRIAL, c.untilTrial(), "back to a trial per period");
        assertEquals(TeamChoice.PERIOD - 2 * TeamChoice.TRIAL, run(c, TeamChoice.PERIOD - 2 * TeamChoice.TRIAL, 1_000,
                400));
    }

    @Test
    void aTrialLostWhileTheJitWarmsUpComesAgainSoon() {
        TeamChoice c = new TeamChoice(true);
        run(c, TeamChoice.SKIP + 2 * TeamChoice.TRIAL, 1_000, 1_200); // compiling: the team loses
        assertEquals(TeamChoice.EARLY_PERIOD - 2 * TeamChoice.TRIAL, c.untilTrial());
        assertEquals(0, run(c, c.untilTrial(), 1_000, 1_200), "alone until then");
        assertEquals(TeamChoice.TRIAL, run(c, 2 * TeamChoice.TRIAL, 1_000, 600)); // compiled: the team wins
        assertEquals(TeamChoice.PERIOD - 2 * TeamChoice.TRIAL, run(c, TeamChoice.PERIOD - 2 * TeamChoice.TRIAL,
                1_000, 600), "kept until the next trial");
    }

    @Test
    void disabledOrAlways() {
        TeamChoice off = new TeamChoice(false);
        assertEquals(0, run(off, 100, 1_000, 1));
        TeamChoice always = new TeamChoice(true);
        always.always();
        assertEquals(100, run(always, 100, 1, 1_000));
    }
}
