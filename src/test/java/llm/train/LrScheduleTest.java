package llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import llm.UserException;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
    private final LrSchedule s = new LrSchedule(1e-3, 1e-4, 10, 110);

    @Test
    void warmupIsLinearAndStartsAboveZero() {
        assertEquals(1e-4, s.lr(0), 1e-12);
        assertEquals(5e-4, s.lr(4), 1e-12);
        assertEquals(1e-3, s.lr(9), 1e-12);
    }

    @Test
    void cosineDecaysToTheMinimumAndStaysThere() {
        assertEquals(1e-3, s.lr(10), 1e-12);                 // start of decay: the peak
        assertEquals(0.5 * (1e-3 + 1e-4), s.lr(60), 1e-12);  // half way: the mean
        assertEquals(1e-4, s.lr(110), 1e-12);
        assertEquals(1e-4, s.lr(10_000), 1e-12);
        for (long t = 10; t < 110; t++) {
            assertTrue(s.lr(t + 1) <= s.lr(t), "monotone after warmup at " + t);
        }
    }

    @Test
    void noWarmupAndBadValues() {
        LrSchedule flat = new LrSchedule(2e-3, 2e-3, 0, 5);
        assertEquals(2e-3, flat.lr(0), 0);
        assertEquals(2e-3, flat.lr(4), 0);
        assertEquals(2, assertThrows(UserException.class, () -> new LrSchedule(0, 0, 0, 1)).exitCode());
        assertEquals(2, assertThrows(UserException.class, () -> new LrSchedule(1e-3, 2e-3, 0, 1)).exitCode());
        assertEquals(2, assertThrows(UserException.class, () -> new LrSchedule(1e-3, 0, -1, 1)).exitCode());
    }
}
