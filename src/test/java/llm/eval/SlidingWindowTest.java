package llm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {
    /** Every target 1..L-1 is scored exactly once, by a window that contains it and at most ctx tokens. */
    static void checkCover(int length, int ctx, int stride) {
        List<SlidingWindow> ws = SlidingWindow.plan(length, ctx, stride);
        int next = 1;
        for (SlidingWindow w : ws) {
            assertEquals(next, w.firstTarget(), () -> "contiguous targets " + ws);
            assertTrue(w.end() - w.begin() <= ctx);
            assertTrue(w.begin() < w.firstTarget());
            assertTrue(w.targets() > 0);
            next = w.end();
        }
        assertEquals(Math.max(1, length), next, () -> "all targets scored: " + ws);
    }

    @Test
    void coversEveryTargetOnce() {
        for (int length = 0; length < 40; length++) {
            for (int ctx = 2; ctx < 10; ctx++) {
                for (int stride = 1; stride <= ctx; stride++) {
                    checkCover(length, ctx, stride);
                }
            }
        }
    }

    @Test
    void stridedContext() {
        // L = 11 (start token + 10), ctx 4, stride 2: windows [0,4) [2,6) [4,8) [6,10) [8,11)
        List<SlidingWindow> ws = SlidingWindow.plan(11, 4, 2);
        assertEquals(List.of(new SlidingWindow(0, 4, 1), new SlidingWindow(2, 6, 4), new SlidingWindow(4, 8, 6),
                new SlidingWindow(6, 10, 8), new SlidingWindow(8, 11, 10)), ws);
        // disjoint windows: each starts on the previous one's last token, so token 4, 7, 10 are still scored
        assertEquals(List.of(new SlidingWindow(0, 4, 1), new SlidingWindow(3, 7, 4), new SlidingWindow(6, 10, 7),
                new SlidingWindow(9, 11, 10)), SlidingWindow.plan(11, 4, 4));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> SlidingWindow.plan(10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindow.plan(10, 4, 5));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindow.plan(10, 4, 0));
    }
}
